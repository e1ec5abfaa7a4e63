"""The administrator hands a case to another verifier in the Django admin; the head then sees the
new verifier on the case page and both steps on its timeline."""

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date
# Outside the repository, for a person to look at after the run.
SCREENSHOT = Path(tempfile.gettempdir()) / "admin_reassign.png"


def test_the_administrator_changes_the_verifier_in_the_admin_and_the_case_page_follows(
    live_server, page, sign_in, screenshot, make_case, head, verifier, other_verifier, administrator
):
    # Dated in the past, as the steps of a case that has been under way for a while.
    case = make_case(received_on=D(2026, 3, 2))
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED, on=D(2026, 3, 5))
    services.case_assign(
        case=Case.objects.get(pk=case.pk), user=verifier, by=head, on=D(2026, 3, 9), is_lead=True
    )

    sign_in(administrator)
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    row = page.locator("#assignments-0")
    expect(row).to_contain_text("Trần Văn Bình")
    expect(row).to_contain_text("Phạm Quốc Dũng")  # who assigned him
    expect(page.locator("#assignments-group")).to_contain_text("Người giao")
    # The staff picker finds "Châu" typed without diacritics.
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("chau")
    page.locator(".select2-results__option", has_text="Lê Minh Châu").click()
    expect(row).to_contain_text("Lê Minh Châu")
    screenshot("admin-reassign-1-change-form")
    page.get_by_role("button", name="Lưu lại", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("thành công")
    expect(page.locator(".errornote")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(head)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#assignees")).to_contain_text("Lê Minh Châu")
    expect(page.locator("#assignees")).not_to_contain_text("Trần Văn Bình")
    steps = [" ".join(text.split()) for text in page.locator("#dien-bien li").all_inner_texts()]
    unassigned = [step for step in steps if "Thôi phân công" in step]
    assigned = [step for step in steps if re.search(r"Phân công xác minh.*Lê Minh Châu", step)]
    assert len(unassigned) == 1
    assert "Trần Văn Bình" in unassigned[0]
    assert "Đỗ Văn Giang" in unassigned[0]  # the administrator took the step
    assert len(assigned) == 1
    assert "Lê Minh Châu (chủ trì)" in assigned[0]
    page.locator("#dien-bien").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
