"""A denunciation, a complaint and a recommendation, each from intake to closing through the
UI: the intake officer registers and proposes, the head decides, assigns, extends, concludes,
acts on the conclusion and closes, the verifier writes notes and the verification report.

Every step is checked on the timeline, every due date against a date counted by hand (the
holidays used are listed at the top of tests/test_calendar.py). The steps are dated in the past,
as a paper decision entered late would be, so the dates never depend on the day the test runs.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_user):
    return {
        "officer": make_user("hoa", roles.INTAKE, full_name="Nguyễn Thị Hoa"),
        "head": make_user("dung", roles.HEAD, full_name="Phạm Quốc Dũng"),
        "verifier": make_user("binh", roles.VERIFIER, full_name="Trần Văn Bình"),
    }


@pytest.fixture
def desk(live_server, page, sign_in):
    """What a person does at the screen, in the words of the screen."""

    class Desk:
        # Irreversible steps ask "are you sure?" (data-confirm); the person says yes.
        page.on("dialog", lambda dialog: dialog.accept())

        def become(self, user):
            if page.get_by_role("button", name="Đăng xuất").count():
                page.get_by_role("button", name="Đăng xuất").click()
            sign_in(user)

        def open_case(self, case: Case):
            page.goto(f"{live_server.url}/cases/{case.pk}/")

        def step(self, title: str, button: str, **fields):
            """Open a step's panel, fill it in by its labels, submit it."""
            panel = page.locator("details.step").filter(has=page.locator("summary", has_text=title))
            if panel.get_attribute("open") is None:
                panel.locator("summary").click()
            for label, value in fields.items():
                field = panel.get_by_label(label)
                kind = field.evaluate("e => e.tagName + ':' + (e.type || '')")
                if kind.startswith("SELECT"):
                    field.select_option(label=value)
                elif kind.endswith(":checkbox") or kind.endswith(":radio"):
                    field.check()
                else:
                    field.fill(value)
            panel.get_by_role("button", name=button).click()
            page.wait_for_load_state()
            expect(page.locator(".errorlist")).to_have_count(0)

        def next_step(self) -> str:
            return " ".join(page.locator("#next-step").inner_text().split())

        def timeline(self) -> list[str]:
            """Each step as one line: date, step, who, document, due date, what and why."""
            return [
                " ".join(line.split()) for line in page.locator("#dien-bien li").all_inner_texts()
            ]

    return Desk()


def tick_all_conditions(desk, page, on: str):
    panel = page.locator("#step-check_eligibility")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    for box in panel.get_by_role("checkbox").all():
        box.check()
    desk.step("Kiểm tra điều kiện xử lý", "Ghi kết quả", **{"Ngày thực hiện": on})


def register(page, live_server, *, kind, received_on, summary, accused, reporter):
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tiếp nhận đơn"
    ).click()
    page.get_by_label("Nguồn đơn").select_option("post")
    page.get_by_label("Ngày nhận đơn").fill(received_on)
    page.get_by_label("Loại đơn").select_option(kind)
    page.get_by_label("Lĩnh vực").select_option(label="Mạng xã hội")
    page.get_by_label("Tóm tắt nội dung").fill(summary)
    page.get_by_label("Người, cơ quan bị khiếu nại, tố cáo").fill(accused)
    page.locator("#id_reporters-0-full_name").fill(reporter)
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.locator(".message")).to_contain_text("Đã vào sổ đơn số")
    return Case.objects.order_by("-id").first()


def expect_timeline(desk, expected: list[str]):
    lines = desk.timeline()
    assert len(lines) == len(expected), "\n".join(lines)
    for line, pattern in zip(lines, expected, strict=True):
        assert re.match(pattern, line), f"{line!r} does not match {pattern!r}"


def today() -> str:
    return f"{timezone.localdate():%d/%m/%Y}"


def test_a_denunciation_from_intake_to_closing(live_server, page, desk, people, screenshot):
    officer, head, verifier = people["officer"], people["head"], people["verifier"]

    desk.become(officer)
    case = register(
        page,
        live_server,
        kind="denunciation",
        received_on="02/03/2026",
        summary="Tài khoản Facebook đăng tin xúc phạm danh dự cán bộ",
        accused="Chủ tài khoản “Sự thật”",
        reporter="Trương Văn Kín",
    )
    # Received Mon 02/03/2026: 7 working days, Tue 03 (1) ... Wed 11/03/2026 (7).
    assert desk.next_step().startswith("Bước tiếp theo: Xử lý đơn — hạn 11/03/2026")
    tick_all_conditions(desk, page, "03/03/2026")
    desk.step(
        "Đề xuất hướng xử lý",
        "Đề xuất",
        **{
            "Hướng xử lý đề xuất": "Thụ lý",
            "Ngày thực hiện": "03/03/2026",
            "Lý do, căn cứ đề xuất": "Thuộc thẩm quyền, đủ điều kiện.",
        },
    )
    expect(page.locator(".message")).to_contain_text("Đã gửi đề xuất hướng xử lý đơn.")
    expect(page.locator("#step-decide")).to_have_count(0)

    desk.become(head)
    desk.open_case(case)
    screenshot("procedure-denunciation-head-decides")
    desk.step(
        "Quyết định xử lý đơn",
        "Quyết định",
        **{
            "Quyết định xử lý đơn": "Thụ lý",
            "Ngày thực hiện": "05/03/2026",
            "Số văn bản": "15/QĐ-TTr",
        },
    )
    # Accepted Thu 05/03/2026. The reporter is told within 5 working days: Fri 06 (1), Mon 09
    # (2) ... Thu 12/03/2026 (5). Resolution: 30 days = Sat 04/04 → Mon 06/04/2026.
    assert "Thông báo thụ lý cho người gửi đơn — hạn 12/03/2026" in desk.next_step()
    expect(page.locator("#resolution-due")).to_have_text("06/04/2026")
    desk.step(
        "Thông báo thụ lý cho người tố cáo",
        "Ghi đã thông báo",
        **{"Ngày thực hiện": "09/03/2026", "Số văn bản": "16/TB-TTr"},
    )
    assert "Giải quyết — hạn 06/04/2026" in desk.next_step()
    desk.step(
        "Phân công xác minh",
        "Phân công",
        **{
            "Cán bộ xác minh": "Trần Văn Bình",
            "Chủ trì xác minh": True,
            "Ngày thực hiện": "09/03/2026",
        },
    )
    expect(page.locator("#case-status")).to_have_text("Đang xác minh")

    desk.become(verifier)
    desk.open_case(case)
    expect(page.locator("body")).not_to_contain_text("Trương Văn Kín")
    expect(page.locator("#reporters")).to_have_text("Người tố cáo A đại diện")
    desk.step("Thêm ghi chú", "Thêm ghi chú", **{"Ghi chú": "Đã làm việc với quản trị nhóm."})
    desk.step(
        "Báo cáo kết quả xác minh",
        "Lưu báo cáo",
        **{
            "Kết quả xác minh, đề xuất": "Nội dung tố cáo đúng một phần.",
            "Ngày thực hiện": "30/03/2026",
        },
    )
    expect(page.locator("#notes")).to_contain_text("Nội dung tố cáo đúng một phần.")
    screenshot("procedure-denunciation-verifier")

    desk.become(head)
    desk.open_case(case)
    desk.step(
        "Gia hạn giải quyết",
        "Gia hạn",
        **{
            "Mức độ": "Phức tạp (gia hạn một lần)",
            "Số ngày gia hạn": "30",
            "Ngày thực hiện": "01/04/2026",
            "Số văn bản": "30/QĐ-TTr",
            "Lý do gia hạn": "Phải xác minh tại nhiều địa phương.",
        },
    )
    # The extension runs from the end of the time limit it extends: Mon 06/04 + 30 days = Wed
    # 06/05/2026 (past 30/04 and 01/05, which do not matter for calendar days).
    assert "Giải quyết — hạn 06/05/2026" in desk.next_step()
    expect(page.locator("#resolution-due")).to_contain_text("06/05/2026 (phức tạp, gia hạn 30")
    desk.step(
        "Kết luận",
        "Ghi kết luận",
        **{
            "Kết luận nội dung": "Đúng một phần",
            "Ngày thực hiện": "20/04/2026",
            "Số văn bản": "05/KL-TTr",
        },
    )
    assert "Tổ chức thực hiện kết luận" in desk.next_step()
    desk.step(
        "Tổ chức thực hiện kết luận",
        "Ghi việc đã làm",
        **{
            "Việc đã làm để thực hiện kết luận": "Đã yêu cầu gỡ bài viết.",
            "Ngày thực hiện": "24/04/2026",
        },
    )
    desk.step("Kết thúc hồ sơ", "Kết thúc hồ sơ", **{"Ngày thực hiện": "05/05/2026"})
    expect(page.locator("#case-status")).to_have_text("Đã kết thúc")
    screenshot("procedure-denunciation-closed")

    expect_timeline(
        desk,
        [
            r"02/03/2026 Tiếp nhận đơn · Nguyễn Thị Hoa · hạn 11/03/2026 Qua bưu chính",
            r"03/03/2026 Kiểm tra điều kiện xử lý · Nguyễn Thị Hoa Đủ điều kiện xử lý",
            r"03/03/2026 Đề xuất hướng xử lý · Nguyễn Thị Hoa Đề xuất: Thụ lý "
            r"Thuộc thẩm quyền, đủ điều kiện\.",
            r"05/03/2026 Thụ lý · Phạm Quốc Dũng · Văn bản số 15/QĐ-TTr · hạn 06/04/2026",
            r"09/03/2026 Thông báo thụ lý · Phạm Quốc Dũng · Văn bản số 16/TB-TTr",
            r"09/03/2026 Phân công xác minh · Phạm Quốc Dũng Trần Văn Bình \(chủ trì\)",
            r"30/03/2026 Báo cáo kết quả xác minh · Trần Văn Bình",
            r"01/04/2026 Gia hạn giải quyết · Phạm Quốc Dũng · Văn bản số 30/QĐ-TTr · "
            r"hạn 06/05/2026 Phức tạp, gia hạn thêm 30 ngày Phải xác minh tại nhiều địa phương\.",
            r"20/04/2026 Kết luận · Phạm Quốc Dũng · Văn bản số 05/KL-TTr "
            r"Kết luận: Đúng một phần",
            r"24/04/2026 Xử lý kết luận · Phạm Quốc Dũng Đã yêu cầu gỡ bài viết\.",
            r"05/05/2026 Kết thúc hồ sơ · Phạm Quốc Dũng",
            # A note is dated the day it is written.
            rf"{today()} Ghi chú · Trần Văn Bình",
        ],
    )


def test_a_complaint_from_intake_to_closing(live_server, page, desk, people, screenshot):
    officer, head, verifier = people["officer"], people["head"], people["verifier"]

    desk.become(officer)
    case = register(
        page,
        live_server,
        kind="complaint",
        received_on="06/02/2026",
        summary="Khiếu nại quyết định xử phạt vi phạm hành chính về quảng cáo",
        accused="Chánh Thanh tra Sở",
        reporter="Lê Thị Khiếu",
    )
    # Received Fri 06/02/2026: acceptance within 10 days = Mon 16/02, in Tết (16-20/02), then
    # the weekend → Mon 23/02/2026.
    assert "Thụ lý giải quyết — hạn 23/02/2026" in desk.next_step()
    desk.step(
        "Đề xuất hướng xử lý",
        "Đề xuất",
        **{"Hướng xử lý đề xuất": "Thụ lý", "Ngày thực hiện": "09/02/2026"},
    )

    desk.become(head)
    desk.open_case(case)
    desk.step(
        "Quyết định xử lý đơn",
        "Quyết định",
        **{"Ngày thực hiện": "23/02/2026", "Số văn bản": "08/TB-TTr"},
    )
    # Accepted Mon 23/02/2026, first-time complaint: 30 days = Wed 25/03/2026.
    assert "Giải quyết — hạn 25/03/2026" in desk.next_step()
    expect(page.locator("#step-notify")).to_have_count(0)
    desk.step(
        "Phân công xác minh",
        "Phân công",
        **{"Cán bộ xác minh": "Trần Văn Bình", "Ngày thực hiện": "24/02/2026"},
    )

    desk.become(verifier)
    desk.open_case(case)
    desk.step(
        "Báo cáo kết quả xác minh",
        "Lưu báo cáo",
        **{
            "Kết quả xác minh, đề xuất": "Quyết định xử phạt đúng quy định.",
            "Ngày thực hiện": "16/03/2026",
        },
    )

    desk.become(head)
    desk.open_case(case)
    panel = page.locator("#step-extend")
    panel.locator("summary").click()
    expect(panel.get_by_label("Số ngày gia hạn")).to_have_count(0)
    desk.step(
        "Gia hạn giải quyết",
        "Gia hạn",
        **{
            "Ngày thực hiện": "20/03/2026",
            "Lý do gia hạn": "Nhiều cơ quan liên quan.",
        },
    )
    # A complex complaint takes the longer limit: 45 days after Mon 23/02 = Thu 09/04/2026.
    assert "Giải quyết — hạn 09/04/2026" in desk.next_step()
    desk.step(
        "Kết luận",
        "Ghi kết luận",
        **{
            "Kết luận nội dung": "Sai",
            "Ngày thực hiện": "07/04/2026",
            "Số văn bản": "12/QĐ-GQKN",
            "Tóm tắt kết luận": "Giữ nguyên quyết định xử phạt.",
        },
    )
    desk.step(
        "Tổ chức thực hiện kết luận",
        "Ghi việc đã làm",
        **{
            "Việc đã làm để thực hiện kết luận": "Đã gửi quyết định cho người khiếu nại.",
            "Ngày thực hiện": "10/04/2026",
        },
    )
    desk.step("Kết thúc hồ sơ", "Kết thúc hồ sơ", **{"Ngày thực hiện": "15/04/2026"})
    expect(page.locator("#case-status")).to_have_text("Đã kết thúc")
    expect(page.locator("#handling-due")).to_have_text("23/02/2026")
    expect(page.locator("#resolution-due")).to_contain_text("09/04/2026 (phức tạp)")
    screenshot("procedure-complaint-closed")

    expect_timeline(
        desk,
        [
            r"06/02/2026 Tiếp nhận đơn · Nguyễn Thị Hoa · hạn 23/02/2026",
            r"09/02/2026 Đề xuất hướng xử lý · Nguyễn Thị Hoa Đề xuất: Thụ lý",
            r"23/02/2026 Thụ lý · Phạm Quốc Dũng · Văn bản số 08/TB-TTr · hạn 25/03/2026",
            r"24/02/2026 Phân công xác minh · Phạm Quốc Dũng Trần Văn Bình",
            r"16/03/2026 Báo cáo kết quả xác minh · Trần Văn Bình",
            r"20/03/2026 Gia hạn giải quyết · Phạm Quốc Dũng · hạn 09/04/2026 "
            r"Phức tạp: áp dụng thời hạn giải quyết dài hơn Nhiều cơ quan liên quan\.",
            r"07/04/2026 Kết luận · Phạm Quốc Dũng · Văn bản số 12/QĐ-GQKN Kết luận: Sai "
            r"Giữ nguyên quyết định xử phạt\.",
            r"10/04/2026 Xử lý kết luận · Phạm Quốc Dũng",
            r"15/04/2026 Kết thúc hồ sơ · Phạm Quốc Dũng",
        ],
    )


def test_a_recommendation_from_a_reception_visit_to_closing(
    live_server, page, desk, people, screenshot
):
    officer, head, verifier = people["officer"], people["head"], people["verifier"]

    desk.become(officer)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tiếp công dân"
    ).click()
    page.get_by_role("link", name="Ghi buổi tiếp").click()
    page.get_by_label("Ngày tiếp").fill("22/04/2026")
    page.get_by_label("Hình thức").select_option(label="Tiếp thường xuyên")
    page.get_by_label("Địa điểm").fill("Phòng tiếp công dân của Sở")
    page.get_by_role("button", name="Ghi sổ").click()
    expect(page.locator(".message")).to_contain_text("Đã ghi sổ buổi tiếp công dân.")
    page.get_by_label("Số người").fill("6")
    page.get_by_label("Nội dung").select_option(label="Kiến nghị, phản ánh")
    page.get_by_label("Lần đầu").check()
    page.get_by_label("Tóm tắt").fill("Đề nghị xử lý sóng di động yếu tại ấp Tân Điền")
    page.get_by_role("button", name="Ghi lượt tiếp").click()
    expect(page.locator(".message")).to_contain_text("đoàn đông người (6 người)")
    screenshot("reception-session")
    page.get_by_role("link", name="Vào sổ đơn từ lượt tiếp này").click()

    expect(page.get_by_label("Nguồn đơn")).to_have_value("in_person")
    expect(page.get_by_label("Ngày nhận đơn")).to_have_value("22/04/2026")
    page.get_by_label("Loại đơn").select_option("recommendation")
    page.get_by_label("Lĩnh vực").select_option(label="Viễn thông")
    page.get_by_label("Tóm tắt nội dung").fill("Kiến nghị nâng cấp trạm phát sóng")
    page.locator("#id_reporters-0-full_name").fill("Đinh Văn Đại Diện")
    page.get_by_role("button", name="Vào sổ").click()
    case = Case.objects.get()
    assert case.reception_visit is not None
    # Received Wed 22/04/2026: 10 working days; Mon 27/04 (Hùng Kings observed), Thu 30/04 and
    # Fri 01/05 are off: Thu 23 (1), Fri 24 (2), Tue 28 (3), Wed 29 (4), Mon 04/05 (5) ... Fri
    # 08/05 (9), Mon 11/05/2026 (10).
    assert "Xử lý đơn — hạn 11/05/2026" in desk.next_step()
    expect(page.locator("#case-facts")).to_contain_text("Tiếp thường xuyên 22/04/2026")
    tick_all_conditions(desk, page, "23/04/2026")
    desk.step(
        "Đề xuất hướng xử lý",
        "Đề xuất",
        **{"Hướng xử lý đề xuất": "Thụ lý", "Ngày thực hiện": "23/04/2026"},
    )

    desk.become(head)
    desk.open_case(case)
    desk.step("Quyết định xử lý đơn", "Quyết định", **{"Ngày thực hiện": "29/04/2026"})
    # The law sets no time limit for resolving a recommendation.
    assert "Giải quyết (luật không quy định thời hạn)" in desk.next_step()
    expect(page.locator("#step-extend")).to_have_count(0)
    desk.step(
        "Phân công xác minh",
        "Phân công",
        **{"Cán bộ xác minh": "Trần Văn Bình", "Ngày thực hiện": "04/05/2026"},
    )

    desk.become(verifier)
    desk.open_case(case)
    desk.step("Thêm ghi chú", "Thêm ghi chú", **{"Ghi chú": "Đã trao đổi với nhà mạng."})
    desk.step(
        "Báo cáo kết quả xác minh",
        "Lưu báo cáo",
        **{
            "Kết quả xác minh, đề xuất": "Nhà mạng cam kết lắp trạm trong quý III.",
            "Ngày thực hiện": "08/05/2026",
        },
    )

    desk.become(head)
    desk.open_case(case)
    panel = page.locator("#step-conclude")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel.get_by_label("Kết luận nội dung")).to_have_count(0)
    desk.step(
        "Kết luận",
        "Ghi kết luận",
        **{
            "Ngày thực hiện": "11/05/2026",
            "Tóm tắt kết luận": "Trả lời kiến nghị bằng văn bản.",
        },
    )
    desk.step(
        "Tổ chức thực hiện kết luận",
        "Ghi việc đã làm",
        **{
            "Việc đã làm để thực hiện kết luận": "Đã gửi văn bản trả lời.",
            "Ngày thực hiện": "12/05/2026",
        },
    )
    desk.step("Kết thúc hồ sơ", "Kết thúc hồ sơ", **{"Ngày thực hiện": "15/05/2026"})
    expect(page.locator("#case-status")).to_have_text("Đã kết thúc")
    expect(page.locator("#handling-due")).to_have_text("11/05/2026")
    screenshot("procedure-recommendation-closed")

    expect_timeline(
        desk,
        [
            r"22/04/2026 Tiếp nhận đơn · Nguyễn Thị Hoa · hạn 11/05/2026 "
            r"Trực tiếp tại buổi tiếp công dân",
            r"23/04/2026 Kiểm tra điều kiện xử lý · Nguyễn Thị Hoa Đủ điều kiện xử lý",
            r"23/04/2026 Đề xuất hướng xử lý · Nguyễn Thị Hoa Đề xuất: Thụ lý",
            r"29/04/2026 Thụ lý · Phạm Quốc Dũng",
            r"04/05/2026 Phân công xác minh · Phạm Quốc Dũng Trần Văn Bình",
            r"08/05/2026 Báo cáo kết quả xác minh · Trần Văn Bình",
            r"11/05/2026 Kết luận · Phạm Quốc Dũng Trả lời kiến nghị bằng văn bản\.",
            r"12/05/2026 Xử lý kết luận · Phạm Quốc Dũng",
            r"15/05/2026 Kết thúc hồ sơ · Phạm Quốc Dũng",
            rf"{today()} Ghi chú · Trần Văn Bình",
        ],
    )

    desk.become(officer)
    page.goto(f"{live_server.url}/intake/reception/{case.reception_visit.session_id}/")
    expect(page.locator("#visits")).to_contain_text(case.number)
