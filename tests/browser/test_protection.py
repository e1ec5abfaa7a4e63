import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from cases.models import Case
from protection.models import ProtectedPerson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_an_emergency_request_and_the_head_grants_protection(
    live_server, page, sign_in, intake_officer, head, make_case, screenshot
):
    officer = intake_officer
    today = timezone.localdate()
    case = make_case(by=officer, received_on=today - dt.timedelta(days=20))
    case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    yesterday = f"{today - dt.timedelta(days=1):%d/%m/%Y}"

    sign_in(officer)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Ghi nhận đề nghị bảo vệ").click()
    page.get_by_label("Ngày nhận đề nghị").fill(yesterday)
    page.get_by_label("Hình thức").select_option("phone_emergency")
    page.get_by_label("Lý do đề nghị").fill("Người tố cáo gọi điện báo bị đe dọa hành hung")
    page.get_by_label("Bảo vệ tính mạng, sức khỏe").check()
    page.locator("#id_persons-0-relation").select_option("reporter")
    page.get_by_role("button", name="Thêm người").click()
    page.get_by_role("button", name="Thêm người").click()  # a row left blank is ignored
    page.locator("#id_persons-1-relation").select_option("spouse")
    page.locator("#id_persons-1-full_name").fill("Trần Thị Vợ-Kín")
    page.locator("#id_persons-1-phone").fill("0933 222 111")
    screenshot("protection-1-request-form")
    page.get_by_role("button", name="Ghi nhận đề nghị").click()

    expect(page.locator(".message")).to_contain_text("Đã ghi nhận đề nghị bảo vệ")
    expect(page.locator("#protected-persons li")).to_have_text(
        ["Người tố cáo A", "Vợ hoặc chồng của Người tố cáo A"]
    )
    expect(page.locator("body")).not_to_contain_text("Vợ-Kín")
    expect(page.locator(".deadline-box")).to_contain_text("chưa nhận văn bản bổ sung")
    screenshot("protection-2-request-recorded")
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(head)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.locator("#protection-panel").get_by_role("link").first.click()
    page.get_by_role("link", name="Quyết định").click()
    page.get_by_label("Áp dụng biện pháp bảo vệ").check()
    page.get_by_label("Ngày quyết định").fill(yesterday)
    page.get_by_label("Số quyết định").fill("12/QĐ-TTr")
    page.locator("#id_measures-0-kind").select_option("life_health")
    page.locator("#id_measures-0-carried_out_by").fill("Công an phường 5")
    page.locator("#id_measures-0-started_on").fill(yesterday)
    screenshot("protection-3-decision-form")
    page.get_by_role("button", name="Ghi quyết định").click()

    expect(page.locator(".message")).to_contain_text("Đã ghi quyết định")
    expect(page.locator("h1")).to_contain_text("Áp dụng biện pháp bảo vệ")
    expect(page.locator("#measures")).to_contain_text("Công an phường 5")
    screenshot("protection-4-granted")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#dien-bien")).to_contain_text("Quyết định bảo vệ")
    expect(page.locator("#protection-panel")).to_contain_text("1 biện pháp đang áp dụng")
    screenshot("protection-5-case-page")
    assert ProtectedPerson.objects.get(relation="spouse").full_name == "Trần Thị Vợ-Kín"
