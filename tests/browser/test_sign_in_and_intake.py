import pytest
from playwright.sync_api import expect

from accounts import roles
from cases.models import Case
from protection.models import Reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_signs_in_and_sees_its_menu(live_server, page, sign_in, make_user, screenshot):
    head = make_user("dung", roles.HEAD, full_name="Phạm Quốc Dũng")
    verifier = make_user("binh", roles.VERIFIER, full_name="Trần Văn Bình")

    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")

    sign_in(head)
    expect(page.get_by_role("heading", name="Xin chào, Phạm Quốc Dũng")).to_be_visible()
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Tiếp nhận đơn")).to_be_visible()
    screenshot("head-home")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")

    sign_in(verifier)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Vụ việc")).to_be_visible()
    expect(nav.get_by_role("link", name="Tiếp nhận đơn")).to_have_count(0)


def test_wrong_password_is_refused_with_a_vietnamese_message(live_server, page, sign_in, make_user):
    officer = make_user("hoa", roles.INTAKE)
    sign_in(officer, password="not-the-password")
    expect(page.locator(".errorlist")).to_contain_text("Tên đăng nhập và mật khẩu chính xác")


def test_officer_registers_a_petition_with_two_signers(
    live_server, page, sign_in, make_user, screenshot
):
    officer = make_user("hoa", roles.INTAKE, full_name="Nguyễn Thị Hoa")
    sign_in(officer)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tiếp nhận đơn"
    ).click()
    page.get_by_label("Nguồn đơn").select_option("post")
    page.get_by_label("Ngày nhận đơn").fill("02/03/2026")
    page.get_by_label("Loại đơn").select_option("denunciation")
    page.get_by_label("Lĩnh vực").select_option(label="Mạng xã hội")
    page.get_by_label("Tóm tắt nội dung").fill("Tài khoản Facebook đăng tin xúc phạm danh dự")
    page.get_by_label("Người, cơ quan bị khiếu nại, tố cáo").fill("Chủ tài khoản “Sự thật”")
    page.locator("#id_reporters-0-full_name").fill("Trương Văn Bíẩn")
    page.locator("#id_reporters-0-phone").fill("0912 000 111")
    page.get_by_role("button", name="+ Thêm người gửi đơn").click()
    page.locator("#id_reporters-1-full_name").fill("Lâm Thị Kín")
    page.locator("#id_reporters-1-is_representative").check()
    screenshot("intake-form")
    page.get_by_role("button", name="Vào sổ").click()

    expect(page.locator(".message")).to_contain_text("Đã vào sổ đơn số 2026-0001")
    expect(page.locator("#reporters li")).to_have_text(
        ["Người tố cáo A", "Người tố cáo B đại diện"]
    )
    expect(page.locator("body")).not_to_contain_text("Bíẩn")
    expect(page.locator("body")).not_to_contain_text("Lâm Thị Kín")
    expect(page.locator(".deadline-box")).to_contain_text("11/03/2026")
    screenshot("case-detail")

    case = Case.objects.get()
    assert [r.full_name for r in Reporter.objects.filter(case=case).order_by("position")] == [
        "Trương Văn Bíẩn",
        "Lâm Thị Kín",
    ]
    assert Reporter.objects.get(position=2).is_representative
