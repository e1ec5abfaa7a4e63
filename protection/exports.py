"""The access log as CSV and XLSX. It holds who, when, which case, which fields (names only),
why, on what basis and from where: never an identity value."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.spreadsheets import plain_text
from protection.selectors import LogRow


def _headers() -> list[str]:
    return [
        _("Thời điểm"),
        _("Tên đăng nhập"),
        _("Cán bộ"),
        _("Số đơn"),
        _("Việc"),
        _("Thông tin"),
        _("Căn cứ"),
        _("Lý do"),
        _("Hiệu lực đến"),
        _("Địa chỉ IP"),
        _("Trình duyệt"),
    ]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S") if value else ""


def _cells(row: LogRow) -> list[str]:
    # Reasons and user agents are typed or sent by people: never let a cell run as a formula.
    return [plain_text(cell) for cell in _values(row)]


def _values(row: LogRow) -> list[str]:
    return [
        _local(row.at),
        row.user.username if row.user else "",
        str(row.user) if row.user else "",
        row.case.number if row.case else "",
        row.action_label,
        ", ".join(row.fields),
        row.basis,
        row.reason,
        _local(row.valid_until),
        row.ip_address,
        row.user_agent,
    ]


def _filename(extension: str) -> str:
    return f"nhat-ky-danh-tinh-{timezone.localdate():%Y%m%d}.{extension}"


def access_log_csv(rows: list[LogRow]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    for row in rows:
        writer.writerow(_cells(row))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename("csv"))
    return response


def access_log_xlsx(rows: list[LogRow]) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nhật ký danh tính")[:31]
    sheet.append(_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(_cells(row))
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJK", [20, 16, 24, 14, 22, 30, 20, 40, 20, 16, 30], strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, _filename("xlsx"))
    return response
