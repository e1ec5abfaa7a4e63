"""The head opens the reports, picks a quarter, reads it, downloads the XLSX and finalises it;
the dashboard shows the last twelve months."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts import roles
from tests import test_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_user):
    return {
        "intake_officer": make_user("hoa", roles.INTAKE, full_name="Nguyễn Thị Hoa"),
        "head": make_user("dung", roles.HEAD, full_name="Phạm Quốc Dũng"),
    }


@pytest.fixture
def petitions(people):
    """The petitions of tests/test_figures.py, built through the services."""
    return test_figures.build_history(people["intake_officer"], people["head"])


def test_head_picks_a_quarter_reads_it_and_downloads_the_xlsx(
    live_server, page, sign_in, screenshot, people, petitions, tmp_path
):
    sign_in(people["head"])
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Báo cáo thống kê")).to_be_visible()
    # The custom dates are hidden until "custom range" is chosen.
    expect(page.get_by_label("Từ ngày")).to_be_hidden()

    page.get_by_label("Kỳ báo cáo").select_option("2026-Q2")
    page.get_by_role("button", name="Xem báo cáo").click()

    expect(page.locator(".lead")).to_contain_text("Quý II năm 2026 (15/03/2026 – 14/06/2026)")
    expect(page.locator(".narrative")).to_contain_text(
        "kỳ trước chuyển sang 03 đơn, đã tiếp nhận 06 đơn"
    )
    handling = page.locator("section.form-sheet").filter(has_text="TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN")
    total = handling.first.locator("tr.total")
    expect(total.locator("td").nth(1)).to_have_text("6")  # received in the quarter
    screenshot("report-quarter")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "bao-cao-2026-Q2.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    assert workbook.sheetnames[:3] == ["Tổng hợp", "01-TCD", "01-XLD"]
    sheet = workbook["01-XLD"]
    assert sheet["A2"].value == "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
    totals = [row for row in sheet.iter_rows(min_row=8, values_only=True) if row[0] == "Tổng cộng"]
    assert totals[0][1:4] == (3, 6, 9)  # carried over, received, total

    # The head finalises the quarter; the page then says the figures agree.
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Ghi chú khi chốt số liệu").fill("Gửi Thanh tra tỉnh")
    page.get_by_role("button", name="Chốt số liệu kỳ này").click()
    expect(page.get_by_text("Số liệu đã chốt — khớp với dữ liệu hiện nay")).to_be_visible()
    screenshot("report-finalised")


def test_a_custom_range_through_the_picker(live_server, page, sign_in, people, petitions):
    sign_in(people["head"])
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("Kỳ báo cáo").select_option("custom")
    page.get_by_label("Từ ngày").fill("01/03/2026")
    page.get_by_label("Đến ngày").fill("30/04/2026")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator(".lead")).to_contain_text("01/03/2026 – 30/04/2026")
    expect(page.locator(".narrative")).to_contain_text("đã tiếp nhận 07 đơn")


def test_dashboard_charts_after_sign_in(live_server, page, sign_in, screenshot, people, petitions):
    sign_in(people["head"])
    expect(page.locator("figure.chart")).to_have_count(3)
    expect(page.locator("#chart-received-resolved svg rect.bar").first).to_be_visible()
    expect(page.locator("#chart-by-kind .legend")).to_contain_text("Tố cáo")
    screenshot("dashboard-charts")
