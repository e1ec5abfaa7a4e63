"""Vietnamese names, places and petition subjects for the demo dataset."""

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Tô",
    "Trương",
    "Lâm",
    "Châu",
]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Quốc", "Thu", "Hữu", "Kim"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Uyên",
    "Việt",
    "Yến",
]
PLACES = [
    "phường 5, thành phố Cà Mau",
    "phường 8, thành phố Cà Mau",
    "xã Tắc Vân, thành phố Cà Mau",
    "thị trấn Năm Căn, huyện Năm Căn",
    "xã Khánh Bình Tây, huyện Trần Văn Thời",
    "thị trấn Cái Nước, huyện Cái Nước",
    "xã Tân Hưng Đông, huyện Cái Nước",
    "thị trấn Đầm Dơi, huyện Đầm Dơi",
    "xã Phú Tân, huyện Phú Tân",
    "thị trấn U Minh, huyện U Minh",
    "xã Đất Mũi, huyện Ngọc Hiển",
    "thị trấn Thới Bình, huyện Thới Bình",
]
STREETS = ["Lý Thường Kiệt", "Phan Ngọc Hiển", "Trần Hưng Đạo", "Nguyễn Tất Thành", "Ngô Quyền"]

# field code -> (summary, accused) pairs per kind
SUBJECTS = {
    "denunciation": {
        "social_network": [
            (
                "Tài khoản Facebook đăng thông tin xúc phạm danh dự, nhân phẩm",
                "Chủ tài khoản Facebook “Sự thật Cà Mau”",
            ),
            (
                "Trang mạng xã hội sử dụng trái phép thông tin cá nhân",
                "Chủ trang “Rao vặt Năm Căn”",
            ),
            ("Tài khoản Zalo lan truyền tin giả về dịch bệnh", "Chủ tài khoản Zalo “Tin nóng 24h”"),
        ],
        "press": [
            ("Phóng viên có dấu hiệu nhũng nhiễu doanh nghiệp", "Phóng viên tạp chí điện tử X"),
        ],
        "telecoms": [
            ("Đại lý viễn thông kích hoạt sim trái phép", "Cửa hàng viễn thông Minh Phát"),
        ],
        "other": [
            ("Công chức gây phiền hà khi giải quyết thủ tục", "Công chức bộ phận một cửa Sở"),
        ],
    },
    "complaint": {
        "telecoms": [
            ("Khiếu nại quyết định xử phạt vi phạm hành chính về viễn thông", "Chánh Thanh tra Sở"),
        ],
        "press": [
            ("Khiếu nại quyết định thu hồi giấy phép xuất bản bản tin", "Giám đốc Sở"),
        ],
        "it": [
            ("Khiếu nại quyết định xử phạt về an toàn thông tin", "Chánh Thanh tra Sở"),
        ],
        "post": [
            ("Khiếu nại việc không bồi thường bưu gửi thất lạc", "Bưu điện huyện Cái Nước"),
        ],
    },
    "recommendation": {
        "telecoms": [
            ("Kiến nghị phủ sóng di động tại ấp Kinh Hòa", ""),
            ("Kiến nghị xử lý cột ăng-ten xây dựng gần khu dân cư", "Doanh nghiệp viễn thông"),
        ],
        "broadcasting": [
            ("Kiến nghị khắc phục tình trạng loa truyền thanh xã hư hỏng", "UBND xã Tân Hưng Đông"),
        ],
        "it": [
            ("Kiến nghị cải thiện cổng dịch vụ công trực tuyến", ""),
        ],
        "post": [
            ("Kiến nghị mở điểm bưu điện văn hóa xã", ""),
        ],
    },
    "feedback": {
        "social_network": [
            ("Phản ánh tin nhắn rác, cuộc gọi lừa đảo", ""),
            ("Phản ánh trang mạng xã hội giả mạo cơ quan nhà nước", "Chủ trang giả mạo"),
        ],
        "telecoms": [
            ("Phản ánh cáp viễn thông treo thấp, mất an toàn", "Doanh nghiệp viễn thông"),
        ],
        "publishing": [
            ("Phản ánh cơ sở in không phép", "Cơ sở in Thành Công"),
        ],
        "broadcasting": [
            ("Phản ánh truyền hình cáp chất lượng kém", "Công ty truyền hình cáp"),
        ],
    },
}
