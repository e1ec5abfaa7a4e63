import pytest
from playwright.sync_api import expect

from accounts import roles
from cases import services as case_services
from cases.models import Case
from tests.conftest import REPORTER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_verifier_asks_the_head_grants_the_verifier_reveals_and_the_log_shows_each_step(
    live_server, page, sign_in, make_user, make_case, screenshot
):
    head = make_user("dung", roles.HEAD, full_name="Phạm Quốc Dũng")
    verifier = make_user("binh", roles.VERIFIER, full_name="Trần Văn Bình")
    auditor = make_user("ha", roles.AUDITOR, full_name="Hoàng Thu Hà")
    case = make_case()
    case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    case_services.case_assign(case=Case.objects.get(pk=case.pk), user=verifier, by=head)
    case_url = f"{live_server.url}/cases/{case.pk}/"

    # The verifier sees the pseudonym only, and asks.
    sign_in(verifier)
    page.goto(case_url)
    expect(page.locator("#reporters")).to_contain_text("Người tố cáo A")
    expect(page.locator("body")).not_to_contain_text(REPORTER.full_name)
    expect(page.get_by_role("link", name="Hiện danh tính")).to_have_count(0)
    screenshot("identity-1-verifier-sees-pseudonym")
    page.locator("#identity-panel").get_by_role("link", name="Đề nghị xem danh tính").click()
    page.get_by_label("Lý do cần xem danh tính").fill(
        "Cần đối chất với người tố cáo về các tài liệu đã nộp"
    )
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.locator(".message")).to_contain_text("Đã gửi đề nghị xem danh tính")
    expect(page.locator("#my-identity-requests")).to_contain_text("Chờ quyết định")
    sign_out(page)

    # The head grants it for the default seven days, with a reason.
    sign_in(head)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Đề nghị xem danh tính"
    ).click()
    pending = page.locator("#pending-requests")
    expect(pending).to_contain_text(case.number)
    expect(pending).to_contain_text("Trần Văn Bình")
    screenshot("identity-2-head-pending-requests")
    pending.get_by_role("link", name="Quyết định").click()
    page.get_by_label("Đồng ý cho xem").check()
    expect(page.get_by_label("Được xem trong (ngày)")).to_have_value("7")
    page.get_by_label("Lý do").fill("Đồng ý để đối chất, chỉ trong phạm vi xác minh")
    screenshot("identity-3-head-decides")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".message")).to_contain_text("Đã ghi quyết định")
    sign_out(page)

    # The verifier reads the outcome, then reveals, once, with a reason.
    sign_in(verifier)
    page.goto(case_url)
    expect(page.locator("#my-identity-requests")).to_contain_text("Đồng ý")
    expect(page.locator("#my-identity-requests")).to_contain_text("chỉ trong phạm vi xác minh")
    page.locator("#identity-panel").get_by_role("link", name="Hiện danh tính").click()
    expect(page.locator(".secret-notice")).to_contain_text("ghi vào nhật ký")
    page.get_by_label("Lý do cần xem danh tính").fill("Gọi điện hẹn buổi đối chất")
    screenshot("identity-4-reveal-form")
    page.get_by_role("button", name="Hiện danh tính").click()
    expect(page.locator("#identities")).to_contain_text(REPORTER.full_name)
    expect(page.locator("#identities")).to_contain_text(REPORTER.phone)
    screenshot("identity-5-revealed")
    page.get_by_role("link", name="Xong, quay lại vụ việc").click()
    expect(page.locator("body")).not_to_contain_text(REPORTER.full_name)
    expect(page.locator("#dien-bien")).to_contain_text("Xem danh tính người gửi đơn")
    sign_out(page)

    # The auditor finds each step in the access log.
    sign_in(auditor)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Nhật ký danh tính"
    ).click()
    rows = page.locator("#access-log tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Xem danh tính")
    expect(rows.nth(0)).to_contain_text("Trần Văn Bình")
    expect(rows.nth(0)).to_contain_text("Được lãnh đạo đồng ý")
    expect(rows.nth(0)).to_contain_text("Gọi điện hẹn buổi đối chất")
    expect(rows.nth(1)).to_contain_text("Đồng ý cho xem")
    expect(rows.nth(1)).to_contain_text("Phạm Quốc Dũng")
    expect(rows.nth(2)).to_contain_text("Đề nghị xem danh tính")
    expect(page.locator("body")).not_to_contain_text(REPORTER.full_name)
    screenshot("identity-6-access-log")
