"""The report in JSON, CSV, XLSX and text. Each is written from the one figures dictionary
(reports.figures.report_figures), so a number is the same in every format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cases.models import Case
from reports.figures import figure_rows, flatten
from reports.narrative import narrative
from reports.selectors import SnapshotStatus

FORMATS = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text": "text/plain; charset=utf-8",
}
EXTENSIONS = {"json": "json", "csv": "csv", "xlsx": "xlsx", "text": "txt"}


def lookup(figures: dict, key: str) -> int:
    value = figures
    for part in key.split("."):
        value = value[part]
    return value


def filename(figures: dict, fmt: str) -> str:
    period = figures["period"]
    slug = period["code"] or f"{period['start']}_{period['end']}".replace("-", "")
    return f"bao-cao-{slug}.{EXTENSIONS[fmt]}"


def _day(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}"


def period_line(figures: dict) -> str:
    period = figures["period"]
    dates = _("Số liệu tính từ ngày %(start)s đến ngày %(end)s") % {
        "start": _day(period["start"]),
        "end": _day(period["end"]),
    }
    return f"{period['name']} – {dates}" if period["name"] else dates


def snapshot_line(status: SnapshotStatus | None) -> str:
    """One sentence on the finalised figures of the period, for every format."""
    if status is None:
        return ""
    snapshot = status.snapshot
    when = timezone.localtime(snapshot.finalized_at)
    head = _("Số liệu kỳ này đã được chốt lúc %(time)s ngày %(day)s, người chốt: %(who)s.") % {
        "time": f"{when:%H:%M}",
        "day": f"{when:%d/%m/%Y}",
        "who": snapshot.finalized_by,
    }
    if status.matches:
        matches = _("Dữ liệu hiện nay cho số liệu khớp với số liệu đã chốt.")
        return f"{head} {matches}"
    changed = "; ".join(
        _("%(label)s: đã chốt %(finalized)s, hiện nay %(current)s")
        % {"label": d.label, "finalized": d.finalized, "current": d.current}
        for d in status.differences
    )
    return (
        f"{head} "
        + _("Dữ liệu hiện nay cho số liệu KHÁC số liệu đã chốt ở %(n)s chỉ tiêu")
        % {"n": len(status.differences)}
        + f": {changed}."
    )


# --- JSON, CSV, text -------------------------------------------------------------------------


def as_json(figures: dict, status: SnapshotStatus | None = None) -> bytes:
    document = dict(figures)
    if status is not None:
        document["snapshot"] = status.as_dict()
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def as_csv(figures: dict, status: SnapshotStatus | None = None) -> bytes:
    """One row per figure: key, label, value. UTF-8 with a byte-order mark, which is how
    Excel recognises UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["key", "label", "value"])
    writer.writerow(["period.start", _("Từ ngày"), figures["period"]["start"]])
    writer.writerow(["period.end", _("Đến ngày"), figures["period"]["end"]])
    writer.writerow(["unit", _("Đơn vị báo cáo"), figures["unit"]])
    writer.writerows(figure_rows(figures))
    if status is not None:
        writer.writerow(
            ["snapshot.finalized_at", _("Thời điểm chốt số liệu"), status.as_dict()["finalized_at"]]
        )
        writer.writerow(
            ["snapshot.finalized_by", _("Người chốt số liệu"), status.snapshot.finalized_by]
        )
        writer.writerow(
            [
                "snapshot.matches",
                _("Số liệu hiện nay khớp số liệu đã chốt (1 có, 0 không)"),
                int(status.matches),
            ]
        )
        for difference in status.differences:
            writer.writerow(
                [
                    f"snapshot.finalized.{difference.key}",
                    _("Số liệu đã chốt: %(label)s") % {"label": difference.label},
                    difference.finalized,
                ]
            )
    return ("\ufeff" + buffer.getvalue()).encode()


def as_text(figures: dict, status: SnapshotStatus | None = None) -> bytes:
    paragraphs = [narrative(figures)]
    line = snapshot_line(status)
    if line:
        paragraphs.append(line)
    return ("\n\n".join(paragraphs) + "\n").encode()


# --- XLSX: the official statistics forms -----------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # relative to the row's prefix
    label: str


@dataclass(frozen=True)
class Group:
    label: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Table:
    title: str
    head: str  # label of the row-label column
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, str], ...]  # (label, key prefix)


@dataclass(frozen=True)
class Form:
    sheet: str
    code: str
    title: str
    head: str
    groups: tuple[Group, ...]
    rows: tuple[tuple[str, str], ...]  # (label, key prefix)
    tables: tuple = field(default=())


def _c(key: str, label) -> Column:
    return Column(key, label)


def _single(key: str, label) -> Group:
    return Group(label, (Column(key, label),))


RECEPTION_COLUMNS = (
    _single("sessions", gettext_lazy("Số buổi tiếp")),
    _single("visits", gettext_lazy("Số lượt tiếp")),
    _single("people", gettext_lazy("Số người")),
    Group(
        gettext_lazy("Vụ việc"),
        (_c("cases_repeat", gettext_lazy("Cũ")), _c("cases_first", gettext_lazy("Mới phát sinh"))),
    ),
    Group(
        gettext_lazy("Đoàn đông người"),
        (
            _c("large_groups", gettext_lazy("Số đoàn")),
            _c("large_group_people", gettext_lazy("Số người")),
        ),
    ),
    Group(
        gettext_lazy("Nội dung tiếp (số lượt)"),
        (
            _c("complaint", gettext_lazy("Khiếu nại")),
            _c("denunciation", gettext_lazy("Tố cáo")),
            _c("recommendation", gettext_lazy("Kiến nghị, phản ánh")),
        ),
    ),
)
HANDLING_COLUMNS = (
    Group(
        gettext_lazy("Tổng số đơn"),
        (
            _c("carried_over", gettext_lazy("Kỳ trước chuyển sang")),
            _c("received", gettext_lazy("Tiếp nhận trong kỳ")),
            _c("total", gettext_lazy("Tổng")),
        ),
    ),
    Group(
        gettext_lazy("Tình hình xử lý đơn"),
        (
            _c("handled", gettext_lazy("Đã xử lý")),
            _c("not_handled", gettext_lazy("Chưa xử lý")),
            _c("eligible", gettext_lazy("Đủ điều kiện xử lý")),
        ),
    ),
    Group(
        gettext_lazy("Kết quả xử lý đơn"),
        (
            _c("by_decision.accepted", gettext_lazy("Thuộc thẩm quyền: thụ lý")),
            _c("by_decision.guided", gettext_lazy("Hướng dẫn")),
            _c("by_decision.forwarded", gettext_lazy("Chuyển đơn")),
            _c("by_decision.urged", gettext_lazy("Đôn đốc giải quyết")),
            _c("by_decision.returned", gettext_lazy("Trả lại đơn")),
            _c("by_decision.filed", gettext_lazy("Lưu đơn")),
        ),
    ),
)
RESULT_COLUMNS = (
    Group(
        gettext_lazy("Kết quả giải quyết"),
        (
            _c("resolved", gettext_lazy("Đã giải quyết xong")),
            _c("in_progress", gettext_lazy("Đang giải quyết")),
            _c("overdue", gettext_lazy("Quá hạn")),
        ),
    ),
)
KIND_ROWS = {
    "complaint": gettext_lazy("Khiếu nại"),
    "denunciation": gettext_lazy("Tố cáo"),
    "recommendation": gettext_lazy("Kiến nghị"),
    "feedback": gettext_lazy("Phản ánh"),
}
TOTAL = gettext_lazy("Tổng cộng")
# Rows that add up the rows above them: printed bold.
TOTAL_PREFIXES = ("petitions", "reception")


def forms(figures: dict) -> list[Form]:
    """The sheets of the quarterly export, in the column groups of the official forms."""
    unit = figures["unit"]
    field_rows = tuple(
        (figures.get("field_names", {}).get(code, code), f"fields.{code}")
        for code in figures["fields"]
    )
    channel_rows = tuple(
        (str(label), f"petitions.by_channel.{code}")
        for code, label in Case.Channel.choices
        if code in figures["petitions"]["by_channel"]
    )
    return [
        Form(
            sheet="01-TCD",
            code="01/TCD",
            title=_("TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN"),
            head=_("Hình thức tiếp"),
            groups=RECEPTION_COLUMNS,
            rows=(
                (_("Tiếp thường xuyên"), "reception.by_type.regular"),
                (_("Thủ trưởng tiếp định kỳ"), "reception.by_type.periodic"),
                (_("Thủ trưởng tiếp đột xuất"), "reception.by_type.ad_hoc"),
                (_("Trong đó: Thủ trưởng trực tiếp tiếp"), "reception.by_mode.in_person"),
                (_("Trong đó: ủy quyền cấp phó tiếp"), "reception.by_mode.delegated"),
                (str(TOTAL), "reception"),
            ),
        ),
        Form(
            sheet="01-XLD",
            code="01/XLD",
            title=_("TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"),
            head=_("Loại đơn"),
            groups=HANDLING_COLUMNS,
            rows=(
                *((str(label), f"kinds.{kind}") for kind, label in KIND_ROWS.items()),
                (str(TOTAL), "petitions"),
            ),
            tables=(
                Table(
                    title=_("Đơn tiếp nhận trong kỳ theo nguồn đơn"),
                    head=_("Nguồn đơn"),
                    columns=(Column("", _("Số đơn")),),
                    rows=channel_rows,
                ),
                Table(
                    title=_("Theo lĩnh vực"),
                    head=_("Lĩnh vực"),
                    columns=(
                        Column("received", _("Tiếp nhận trong kỳ")),
                        Column("total", _("Tổng số phải xử lý")),
                        Column("resolved", _("Đã giải quyết xong")),
                        Column("in_progress", _("Đang giải quyết")),
                        Column("overdue", _("Quá hạn")),
                    ),
                    rows=field_rows,
                ),
            ),
        ),
        Form(
            sheet="03-XLD",
            code="03/XLD",
            title=_("TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN TỐ CÁO"),
            head=_("Loại đơn"),
            groups=(
                *HANDLING_COLUMNS,
                _single(
                    "corruption_related",
                    gettext_lazy("Liên quan tham nhũng, lãng phí, tiêu cực"),
                ),
            ),
            rows=((_("Tố cáo"), "kinds.denunciation"),),
        ),
        Form(
            sheet="04-XLD",
            code="04/XLD",
            title=_("TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN KIẾN NGHỊ, PHẢN ÁNH"),
            head=_("Loại đơn"),
            groups=(*HANDLING_COLUMNS, *RESULT_COLUMNS),
            rows=(
                (_("Kiến nghị"), "kinds.recommendation"),
                (_("Phản ánh"), "kinds.feedback"),
            ),
        ),
        Form(
            sheet="KQ-GQTC",
            code=_("Kết quả giải quyết tố cáo"),
            title=_("TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO"),
            head=_("Loại vụ việc"),
            groups=(
                Group(
                    _("Số vụ việc phải giải quyết"),
                    (
                        _c("resolution.carried_over", _("Kỳ trước chuyển sang")),
                        _c("resolution.accepted", _("Thụ lý mới")),
                        _c("resolution.total", _("Tổng")),
                    ),
                ),
                Group(
                    _("Đã giải quyết"),
                    (
                        _c("resolution.resolved", _("Tổng")),
                        _c("resolution.withdrawn", _("Rút toàn bộ tố cáo")),
                        _c("by_outcome.suspended", _("Đình chỉ")),
                        _c("by_outcome.concluded", _("Có kết luận")),
                    ),
                ),
                Group(
                    _("Kết luận nội dung tố cáo"),
                    (
                        _c("findings.founded", _("Đúng")),
                        _c("findings.partly_founded", _("Đúng một phần")),
                        _c("findings.unfounded", _("Sai")),
                    ),
                ),
                Group(
                    _("Thời hạn giải quyết"),
                    (
                        _c("resolution.deadline.met", _("Đúng hạn")),
                        _c("resolution.deadline.missed", _("Quá hạn")),
                    ),
                ),
                _single("extensions.cases", _("Số vụ việc gia hạn")),
                Group(
                    _("Đang giải quyết"),
                    (
                        _c("resolution.in_progress", _("Tổng")),
                        _c("resolution.overdue", _("Quá hạn")),
                    ),
                ),
            ),
            rows=((_("Tố cáo"), "kinds.denunciation"),),
        ),
        Form(
            sheet="Bảo vệ",
            code=_("Bảo vệ người tố cáo"),
            title=_("TỔNG HỢP CÔNG TÁC BẢO VỆ NGƯỜI TỐ CÁO"),
            head=_("Đơn vị"),
            groups=(
                Group(
                    _("Đề nghị bảo vệ"),
                    (
                        _c("requests", _("Tiếp nhận")),
                        _c("granted", _("Áp dụng biện pháp bảo vệ")),
                        _c("refused", _("Không áp dụng")),
                        _c("pending", _("Chờ quyết định (cuối kỳ)")),
                    ),
                ),
                Group(
                    _("Biện pháp bảo vệ"),
                    (
                        _c("measures_in_force", _("Đang áp dụng (cuối kỳ)")),
                        _c("measures_started", _("Bắt đầu trong kỳ")),
                    ),
                ),
                _single("retaliation_reports", _("Phản ánh bị trả thù, trù dập")),
                _single("identity_reveals", _("Lượt xem danh tính (đã ghi nhật ký)")),
            ),
            rows=((unit, "protection"),),
        ),
    ]


THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF2")
CHANGED_FILL = PatternFill("solid", fgColor="FFF4D6")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
BOLD = Font(bold=True)


def _print_setup(sheet: Worksheet, title_rows: str | None) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    if title_rows:
        sheet.print_title_rows = title_rows


def _width_for(label: str, *, lines: int = 3, least: int = 8, most: int = 16) -> int:
    """A column wide enough that its header wraps to at most `lines` lines."""
    longest_word = max((len(word) for word in label.split()), default=0)
    return max(least, longest_word + 2, min(most, math.ceil(len(label) / lines) + 3))


def _lines(text: str, width: int) -> int:
    return max(1, math.ceil(len(text) / max(width - 2, 1)))


def _sheet_head(sheet: Worksheet, figures: dict, status, code: str, title: str, last: int):
    sheet.cell(1, 1, figures["unit"]).font = BOLD
    form_cell = sheet.cell(1, last, _("Biểu: %(code)s") % {"code": code})
    form_cell.font = BOLD
    form_cell.alignment = Alignment(horizontal="right")
    for row, text, font in (
        (2, title, Font(bold=True, size=13)),
        (3, period_line(figures), Font(italic=True)),
        (4, snapshot_line(status), Font(italic=True, color="9A6700")),
    ):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = sheet.cell(row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if status is not None:
        sheet.row_dimensions[4].height = 15 * min(6, _lines(snapshot_line(status), 14 * last))


def _write_form(workbook: Workbook, form: Form, figures: dict, status) -> None:
    sheet = workbook.create_sheet(form.sheet)
    columns = [column for group in form.groups for column in group.columns]
    last = 1 + len(columns)
    _sheet_head(sheet, figures, status, form.code, form.title, last)

    # Header: groups (row 5), their columns (row 6), column numbers (row 7).
    top, sub, numbers = 5, 6, 7
    sheet.merge_cells(start_row=top, start_column=1, end_row=sub, end_column=1)
    sheet.cell(top, 1, form.head)
    col = 2
    for group in form.groups:
        span = len(group.columns)
        if span == 1 and str(group.columns[0].label) == str(group.label):
            sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
            sheet.cell(top, col, str(group.label))
        else:
            if span > 1:
                sheet.merge_cells(
                    start_row=top, start_column=col, end_row=top, end_column=col + span - 1
                )
            sheet.cell(top, col, str(group.label))
            for offset, column in enumerate(group.columns):
                sheet.cell(sub, col + offset, str(column.label))
        col += span
    for index in range(1, last + 1):
        sheet.cell(numbers, index, f"({index})")
    for row in (top, sub, numbers):
        for index in range(1, last + 1):
            cell = sheet.cell(row, index)
            cell.font, cell.alignment, cell.fill, cell.border = BOLD, CENTER, HEADER_FILL, BORDER

    # One row per line of the form, the total last and bold.
    row = numbers + 1
    for label, prefix in form.rows:
        is_total = prefix in TOTAL_PREFIXES
        label_cell = sheet.cell(row, 1, str(label))
        label_cell.alignment, label_cell.border = WRAP, BORDER
        for index, column in enumerate(columns, start=2):
            cell = sheet.cell(row, index, lookup(figures, f"{prefix}.{column.key}"))
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center")
        if is_total:
            for index in range(1, last + 1):
                sheet.cell(row, index).font = BOLD
        row += 1

    labels = [form.head, *(label for label, _p in form.rows)]
    for table in form.tables:
        labels += [table.head, *(label for label, _p in table.rows)]
    label_width = min(42, max(len(str(label)) for label in labels) + 2)
    sheet.column_dimensions["A"].width = label_width
    widths = [_width_for(str(column.label)) for column in columns]
    for index, width in enumerate(widths, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[sub].height = 15 * max(
        _lines(str(column.label), width) for column, width in zip(columns, widths, strict=True)
    )
    position = 0
    group_lines = [1]
    for group in form.groups:
        span = len(group.columns)
        if span > 1 or str(group.columns[0].label) != str(group.label):
            group_lines.append(_lines(str(group.label), sum(widths[position : position + span])))
        position += span
    sheet.row_dimensions[top].height = 15 * max(group_lines)

    for table in form.tables:
        row = _write_table(sheet, table, figures, row + 1)
    sheet.freeze_panes = sheet.cell(numbers + 1, 2)
    _print_setup(sheet, f"{top}:{numbers}")


def _write_table(sheet: Worksheet, table: Table, figures: dict, row: int) -> int:
    """A plain table under a form (by channel, by field); returns the next free row."""
    sheet.cell(row, 1, table.title).font = BOLD
    row += 1
    for index, label in enumerate([table.head, *(str(c.label) for c in table.columns)], 1):
        cell = sheet.cell(row, index, label)
        cell.font, cell.alignment, cell.fill, cell.border = BOLD, CENTER, HEADER_FILL, BORDER
    row += 1
    for label, prefix in table.rows:
        sheet.cell(row, 1, label).border = BORDER
        for index, column in enumerate(table.columns, start=2):
            key = f"{prefix}.{column.key}" if column.key else prefix
            cell = sheet.cell(row, index, lookup(figures, key))
            cell.border, cell.alignment = BORDER, Alignment(horizontal="center")
        row += 1
    return row


def _write_summary(workbook: Workbook, figures: dict, status) -> None:
    """The cover sheet: the narrative and every figure with its key, as in the CSV."""
    sheet = workbook.active
    sheet.title = _("Tổng hợp")
    rows = figure_rows(figures)
    finalized = dict(flatten(status.snapshot.figures)) if status is not None else {}
    changed = {d.key for d in status.differences} if status is not None else set()
    last = 4 if status is not None else 3
    key_width = min(50, max(len(key) for key, _l, _v in rows) + 2)
    label_width = min(80, max(len(label) for _k, label, _v in rows) + 2)
    widths = [key_width, label_width, 12, 14][:last]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _sheet_head(
        sheet,
        figures,
        status,
        _("Tổng hợp"),
        _("BÁO CÁO KẾT QUẢ TIẾP CÔNG DÂN, XỬ LÝ ĐƠN, GIẢI QUYẾT KHIẾU NẠI, TỐ CÁO"),
        last,
    )
    text = narrative(figures)
    sheet.merge_cells(start_row=5, start_column=1, end_row=5, end_column=last)
    cell = sheet.cell(5, 1, text)
    cell.alignment = WRAP
    sheet.row_dimensions[5].height = 15 * _lines(text, sum(widths)) + 4
    head = 7
    labels = [_("Mã số liệu"), _("Nội dung"), _("Số liệu")]
    if status is not None:
        labels.append(_("Số liệu đã chốt"))
    for index, label in enumerate(labels, start=1):
        cell = sheet.cell(head, index, label)
        cell.font, cell.alignment, cell.fill, cell.border = BOLD, CENTER, HEADER_FILL, BORDER
    for offset, (key, label, value) in enumerate(rows, start=1):
        values = [key, label, value]
        if status is not None:
            values.append(finalized.get(key, 0))
        for index, item in enumerate(values, start=1):
            cell = sheet.cell(head + offset, index, item)
            cell.border = BORDER
            if key in changed:
                cell.fill = CHANGED_FILL
    sheet.freeze_panes = sheet.cell(head + 1, 1)
    _print_setup(sheet, f"{head}:{head}")


def as_xlsx(figures: dict, status: SnapshotStatus | None = None) -> bytes:
    workbook = Workbook()
    _write_summary(workbook, figures, status)
    for form in forms(figures):
        _write_form(workbook, form, figures, status)
    workbook.properties.title = _("Báo cáo thống kê") + f" {period_line(figures)}"
    workbook.properties.creator = figures["unit"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS = {"json": as_json, "csv": as_csv, "xlsx": as_xlsx, "text": as_text}


def export(figures: dict, fmt: str, status: SnapshotStatus | None = None) -> bytes:
    return WRITERS[fmt](figures, status)


# --- The same forms as HTML tables, for the report page ----------------------------------------


def form_grid(form: Form, figures: dict) -> dict:
    """A form laid out for a template: header rows with their spans, then the data rows."""
    groups_row = [{"text": form.head, "rowspan": 2, "colspan": 1}]
    columns_row = []
    columns = []
    for group in form.groups:
        span = len(group.columns)
        columns.extend(group.columns)
        if span == 1 and str(group.columns[0].label) == str(group.label):
            groups_row.append({"text": str(group.label), "rowspan": 2, "colspan": 1})
        else:
            groups_row.append({"text": str(group.label), "rowspan": 1, "colspan": span})
            columns_row.extend(
                {"text": str(column.label), "rowspan": 1, "colspan": 1} for column in group.columns
            )
    rows = [
        {
            "label": str(label),
            "values": [lookup(figures, f"{prefix}.{column.key}") for column in columns],
            "total": prefix in TOTAL_PREFIXES,
        }
        for label, prefix in form.rows
    ]
    tables = [
        {
            "title": table.title,
            "head": [table.head, *(str(column.label) for column in table.columns)],
            "rows": [
                (
                    label,
                    [
                        lookup(figures, f"{prefix}.{column.key}" if column.key else prefix)
                        for column in table.columns
                    ],
                )
                for label, prefix in table.rows
            ],
        }
        for table in form.tables
    ]
    return {
        "sheet": form.sheet,
        "code": form.code,
        "title": form.title,
        "head_rows": [groups_row, columns_row],
        "numbers": [f"({index})" for index in range(1, len(columns) + 2)],
        "rows": rows,
        "tables": tables,
    }
