"""The same figures in JSON, CSV, XLSX and text, from the report command and the export views."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Case
from reports import exports, services
from reports.figures import flatten, report_figures
from reports.narrative import narrative
from reports.periods import custom, preset
from tests import test_figures
from tests.conftest import REPORTER
from tests.test_figures import later, register

history = test_figures.history  # the fixture: petitions with known histories

D = dt.date


def run_report(tmp_path, *args) -> bytes:
    output = tmp_path / "out"
    call_command("report", *args, "--output", str(output))
    return output.read_bytes()


def csv_rows(content: bytes) -> dict[str, tuple[str, str]]:
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["key", "label", "value"]
    return {key: (label, value) for key, label, value in rows[1:]}


def test_json_has_the_promised_keys_as_integers(history, tmp_path):
    document = json.loads(run_report(tmp_path, "--preset", "2026-Q2", "--format", "json"))
    assert document["period"]["start"] == "2026-03-15"
    assert document["period"]["end"] == "2026-06-14"
    petitions = document["petitions"]
    for key in ("carried_over", "received", "total", "resolved", "in_progress", "overdue"):
        assert isinstance(petitions[key], int)
    assert set(petitions["by_kind"]) == {"complaint", "denunciation", "recommendation", "feedback"}
    assert petitions["by_decision"]["accepted"] == 3
    assert petitions["findings"]["founded"] == 1
    assert set(document["protection"]) >= {
        "requests",
        "granted",
        "refused",
        "retaliation_reports",
        "identity_reveals",
    }
    assert set(document["reception"]) >= {"sessions", "visits", "people"}
    assert all(isinstance(value, int) for _key, value in flatten(document))


def test_every_figure_is_the_same_in_json_csv_and_xlsx(history, tmp_path):
    document = json.loads(run_report(tmp_path, "--preset", "2026-Q2", "--format", "json"))
    table = csv_rows(run_report(tmp_path, "--preset", "2026-Q2", "--format", "csv"))
    workbook = load_workbook(
        io.BytesIO(run_report(tmp_path, "--preset", "2026-Q2", "--format", "xlsx"))
    )
    figures = flatten(document)
    assert len(figures) > 150

    # CSV: one row per figure, plus the period and unit rows.
    assert {key: int(table[key][1]) for key, _v in figures} == dict(figures)
    assert table["period.start"][1] == "2026-03-15"
    assert table["petitions.received"] == ("Tiếp nhận trong kỳ", "6")
    assert table["kinds.denunciation.resolution.resolved"][0] == (
        "Tố cáo: Thụ lý: đã giải quyết xong"
    )

    # XLSX, cover sheet: every figure with its key.
    cover = workbook["Tổng hợp"]
    listed = {
        row[0]: row[2]
        for row in cover.iter_rows(min_row=8, values_only=True)
        if row[0] and row[0] != "Mã số liệu"
    }
    assert listed == dict(figures)

    # XLSX, the form sheets: every cell is the figure its row and column name.
    for form in exports.forms(document):
        sheet = workbook[form.sheet]
        columns = [column for group in form.groups for column in group.columns]
        for offset, (label, prefix) in enumerate(form.rows):
            row = 8 + offset
            assert sheet.cell(row, 1).value == label
            for index, column in enumerate(columns, start=2):
                value = exports.lookup(document, f"{prefix}.{column.key}")
                assert sheet.cell(row, index).value == value, (form.sheet, label, column.key)


def cell_under(sheet, row_label: str, column_label: str):
    """The value at a row (by its label in column A) and a column (by its header)."""
    header = {
        cell.value: cell.column for row in sheet.iter_rows(min_row=5, max_row=6) for cell in row
    }
    for row in sheet.iter_rows(min_row=8):
        if row[0].value == row_label:
            return sheet.cell(row[0].row, header[column_label]).value
    raise KeyError(row_label)


def test_the_xlsx_reads_like_the_official_forms(history, tmp_path, settings):
    settings.UNIT_NAME = "Thanh tra Sở Thông tin và Truyền thông tỉnh Cà Mau"
    workbook = load_workbook(
        io.BytesIO(run_report(tmp_path, "--preset", "2026-Q2", "--format", "xlsx"))
    )
    assert workbook.sheetnames == [
        "Tổng hợp",
        "01-TCD",
        "01-XLD",
        "03-XLD",
        "04-XLD",
        "KQ-GQTC",
        "Bảo vệ",
    ]
    handling = workbook["01-XLD"]
    assert handling["A1"].value == "Thanh tra Sở Thông tin và Truyền thông tỉnh Cà Mau"
    assert handling["A2"].value == "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
    assert "từ ngày 15/03/2026 đến ngày 14/06/2026" in handling["A3"].value
    assert cell_under(handling, "Tổng cộng", "Tiếp nhận trong kỳ") == 6
    assert cell_under(handling, "Tố cáo", "Kỳ trước chuyển sang") == 2
    assert cell_under(handling, "Tổng cộng", "Đôn đốc giải quyết") == 1
    assert handling.freeze_panes == "B8"
    assert handling.page_setup.orientation == "landscape"
    assert int(handling.page_setup.paperSize) == 9  # A4
    assert handling.sheet_properties.pageSetUpPr.fitToPage
    assert handling.print_title_rows == "$5:$7"
    results = workbook["KQ-GQTC"]
    assert cell_under(results, "Tố cáo", "Đúng hạn") == 1
    assert cell_under(results, "Tố cáo", "Sai") == 1
    # Widths fit the labels: no column narrower than its longest word.
    for sheet in workbook:
        for letter, dimension in sheet.column_dimensions.items():
            assert dimension.width >= 8, (sheet.title, letter)


def test_the_text_is_the_narrative_of_the_seed_report(db, intake_officer, head, tmp_path):
    # The example of docs/product.md#forms-and-formats: 45 petitions from 21/11/2021 to
    # 20/11/2022, 7 denunciations and 38 recommendations and feedback, all resolved. Same
    # shape, moved into this app's past.
    from cases import services as case_services

    kinds = (
        [Case.Kind.DENUNCIATION] * 7 + [Case.Kind.RECOMMENDATION] * 30 + [Case.Kind.FEEDBACK] * 8
    )
    for index, kind in enumerate(kinds):
        case = register(intake_officer, kind=kind, on=D(2025, 11, 21) + dt.timedelta(days=index))
        case_services.case_decide(
            case=case, by=head, decision=Case.Decision.GUIDED, on=case.received_on
        )
    text = run_report(
        tmp_path, "--start", "21/11/2025", "--end", "2026-11-20", "--format", "text"
    ).decode()
    assert text.startswith(
        "Từ ngày 21/11/2025 đến 20/11/2026, đã tiếp nhận 45 đơn (trong đó có 07 đơn tố cáo; "
        "38 đơn kiến nghị, phản ánh), đã giải quyết dứt điểm 45 đơn. "
        "Không có đơn tố cáo liên quan đến hành vi tham nhũng, lãng phí, tiêu cực. "
        "Không có trường hợp người tố cáo đề nghị được bảo vệ hoặc bị trả thù, trù dập."
    )


def test_the_narrative_tells_carried_over_unfinished_and_overdue_petitions(history):
    text = narrative(report_figures(preset("2026-Q2")))
    assert text.startswith(
        "Từ ngày 15/03/2026 đến 14/06/2026, kỳ trước chuyển sang 03 đơn, đã tiếp nhận 06 đơn "
        "(trong đó có 01 đơn khiếu nại; 03 đơn tố cáo; 02 đơn kiến nghị, phản ánh), tổng số 09 "
        "đơn phải giải quyết, đã giải quyết dứt điểm 05 đơn, còn 04 đơn đang giải quyết (trong "
        "đó có 02 đơn quá hạn)."
    )


def test_no_reporter_identity_in_any_format(history, tmp_path):
    for fmt in ("json", "csv", "text", "xlsx"):
        content = run_report(tmp_path, "--preset", "2026-Q2", "--format", fmt)
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        for secret in (REPORTER.full_name, REPORTER.id_number, REPORTER.phone, REPORTER.email):
            assert secret.encode() not in content, fmt


def test_a_finalised_period_says_whether_todays_data_still_agrees(history, head, tmp_path):
    period = preset("2026-Q2")
    services.snapshot_finalize(period=period, by=head, note="Báo cáo quý II")
    agreed = json.loads(run_report(tmp_path, "--preset", "2026-Q2", "--format", "json"))
    assert agreed["snapshot"]["matches"] is True
    assert agreed["snapshot"]["differences"] == []
    assert (
        "khớp với số liệu đã chốt"
        in run_report(tmp_path, "--preset", "2026-Q2", "--format", "text").decode()
    )

    # A conclusion dated inside Q2 but entered after the period was finalised.
    from cases import services as case_services

    c = Case.objects.get(pk=history["C"].pk)
    case_services.case_conclude(case=c, by=head, finding=Case.Finding.FOUNDED, on=D(2026, 6, 1))

    changed = json.loads(run_report(tmp_path, "--preset", "2026-Q2", "--format", "json"))
    assert changed["snapshot"]["matches"] is False
    differences = {
        d["key"]: (d["finalized"], d["current"]) for d in changed["snapshot"]["differences"]
    }
    assert differences["petitions.resolved"] == (5, 6)
    assert differences["petitions.overdue"] == (2, 1)
    assert differences["petitions.findings.founded"] == (1, 2)
    table = csv_rows(run_report(tmp_path, "--preset", "2026-Q2", "--format", "csv"))
    assert table["snapshot.matches"][1] == "0"
    assert table["snapshot.finalized.petitions.resolved"][1] == "5"
    assert table["petitions.resolved"][1] == "6"
    workbook = load_workbook(
        io.BytesIO(run_report(tmp_path, "--preset", "2026-Q2", "--format", "xlsx"))
    )
    assert "KHÁC số liệu đã chốt" in workbook["01-XLD"]["A4"].value
    text = run_report(tmp_path, "--preset", "2026-Q2", "--format", "text").decode()
    assert "Đã giải quyết xong: đã chốt 5, hiện nay 6" in text


def test_a_period_can_be_finalised_once(history, head):
    services.snapshot_finalize(period=preset("2026-Q2"), by=head)
    with pytest.raises(services.SnapshotError):
        services.snapshot_finalize(period=preset("2026-Q2"), by=head)
    # Another period with other dates is another report.
    services.snapshot_finalize(period=custom(D(2026, 4, 1), D(2026, 6, 30)), by=head)


def test_the_export_view_gives_the_same_bytes_as_the_command(client, history, head, tmp_path):
    client.force_login(head)
    for fmt in ("json", "csv", "text"):
        response = client.get(reverse("reports:export", args=[fmt]), {"preset": "2026-Q2"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="bao-cao-2026-Q2.{exports.EXTENSIONS[fmt]}"'
        )
        assert response.content == run_report(tmp_path, "--preset", "2026-Q2", "--format", fmt)


def test_producing_a_past_period_again_gives_the_same_file(history, head, tmp_path):
    first = run_report(tmp_path, "--preset", "2026-Q2", "--format", "json")
    later(history, head)
    assert run_report(tmp_path, "--preset", "2026-Q2", "--format", "json") == first
