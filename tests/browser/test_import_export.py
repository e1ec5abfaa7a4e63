import csv
import io

import pytest
from playwright.sync_api import expect

from accounts import roles
from cases.models import Case
from tests.test_import_cases import ACCEPTED, IDENTITY_MARKERS, anonymous_row, csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_uploads_a_file_checks_the_preview_confirms_and_exports(
    live_server, page, sign_in, make_user, screenshot
):
    head = make_user("dung", roles.HEAD, full_name="Phạm Quốc Dũng")
    sign_in(head)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Vụ việc"
    ).click()
    page.get_by_role("link", name="Nhập từ tệp").click()
    expect(page.get_by_role("heading", name="Nhập dữ liệu đơn")).to_be_visible()

    # A file with one bad row: nothing is imported, the row is named without its content.
    bad = csv_bytes([row(), row(summary="Sai", decision_on="2026-03-01", decision="guided")])
    page.get_by_label("Tệp dữ liệu").set_input_files(
        files=[{"name": "don-loi.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Tệp có 1 lỗi, chưa nhập dòng nào")
    expect(errors).to_contain_text("decision_on")
    screenshot("import-errors")

    good = csv_bytes(
        [
            row(**ACCEPTED, finding="founded", resolved_on="2026-04-02"),
            row(kind="complaint", summary="Khiếu nại quyết định xử phạt", **ACCEPTED),
            anonymous_row(kind="feedback", summary="Phản ánh website có nội dung sai"),
        ]
    )
    page.get_by_label("Tệp dữ liệu").set_input_files(
        files=[{"name": "don.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("3 đơn sẽ được nhập")
    for marker in IDENTITY_MARKERS:
        expect(page.locator("main")).not_to_contain_text(marker)
    screenshot("import-preview")
    assert Case.objects.count() == 0

    page.get_by_role("button", name="Xác nhận nhập 3 đơn").click()
    expect(page.locator(".message")).to_contain_text("Đã nhập 3 đơn; bỏ qua 0 đơn")
    assert Case.objects.count() == 3

    page.goto(f"{live_server.url}/cases/?kind=complaint")
    screenshot("case-list-export")
    with page.expect_download() as download:
        page.get_by_role("group", name="Xuất danh sách đang lọc").get_by_role(
            "link", name="CSV"
        ).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [line["kind"] for line in exported] == ["complaint"]
