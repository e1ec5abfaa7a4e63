"""Import cases from a CSV (UTF-8) or XLSX file: validate the whole file, then take each row
through the same steps of the procedure the screens use, in one transaction.

Each row's petition is registered, decided, extended, concluded or withdrawn by the functions of
`cases.procedure`, the ones the services call, so an imported case has the timeline, the
statutory due dates, the history and the encrypted reporter that a case typed in by hand has.
The steps run in memory and their results are written in bulk (a row replayed through the
services costs a few dozen queries). Each step takes effect on the date the file gives, so
reports read imported cases as they stood on any past date.

Reporter identity is a state secret: no message, log line or preview built here ever contains a
cell's content, so a column shifted by one (a name landing in `received_on`) cannot leak either.
Errors name the line and the column only.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import io
import json
import logging
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, procedure
from cases import services as case_services
from cases.models import Case, CaseCounter, CaseEvent, Field, case_number_problem
from core import crypto
from core.formats import DATE_FORMATS
from intake import services as intake_services
from protection import services as protection_services
from protection.services import ReporterData

logger = logging.getLogger(__name__)

COLUMNS = (
    "number",
    "kind",
    "channel",
    "field",
    "received_on",
    "summary",
    "accused",
    "corruption_related",
    "anonymous",
    "reporter_name",
    "reporter_id_number",
    "reporter_phone",
    "reporter_address",
    "reporter_email",
    "decision",
    "decision_on",
    "extension",
    "finding",
    "resolved_on",
    "withdrawn_on",
)
REQUIRED_COLUMNS = ("kind", "channel", "field", "received_on", "summary")
IDENTITY_COLUMNS = (
    "reporter_name",
    "reporter_id_number",
    "reporter_phone",
    "reporter_address",
    "reporter_email",
)
# Columns of an export that the system computes; named in the error so that someone feeding an
# export back knows to drop them rather than wonder why they are "unknown".
COMPUTED_COLUMNS = ("status", "handling_due", "resolution_due", "overdue", "assignees")

TRUE_WORDS = frozenset({"true", "1", "có"})
FALSE_WORDS = frozenset({"false", "0", "không"})

# An import file holds identities in clear; it is kept in memory only, up to this size.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
# The blind-index purpose of the row key stored on the RECEIVED event (keyed, because the
# petition columns it is computed from include the reporter's identity).
IMPORT_KEY_PURPOSE = "case_import"
# The import has no column for the agency a petition was forwarded to; the service requires
# one, so the timeline says plainly that the file did not tell.
FORWARDED_TO_UNKNOWN = "Không ghi trong tệp nhập dữ liệu"

PETITION_COLUMNS = (
    "kind",
    "channel",
    "field",
    "received_on",
    "summary",
    "accused",
    "corruption_related",
    "anonymous",
    *IDENTITY_COLUMNS,
)


class ImportFailed(Exception):
    """The file cannot be imported; `errors` says where and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    """One problem: `line` is the line (CSV) or row (XLSX) number, None for the whole file."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            where = _("Tệp")
        elif self.column:
            where = _("Dòng %(line)s, cột %(column)s") % {"line": self.line, "column": self.column}
        else:
            where = _("Dòng %(line)s") % {"line": self.line}
        return f"{where}: {self.message}"


@dataclass
class ImportRow:
    """One valid row, ready to be replayed through the services."""

    line: int
    key: str
    number: str
    kind: str
    channel: str
    field: Field
    received_on: dt.date
    summary: str
    accused: str
    corruption_related: bool
    anonymous: bool
    # Never in a repr: a dataclass repr lands in tracebacks and debug pages.
    reporter: ReporterData | None = dataclasses.field(repr=False)
    decision: str
    decision_on: dt.date | None
    extension: str
    finding: str
    resolved_on: dt.date | None
    withdrawn_on: dt.date | None

    @property
    def outcome(self) -> str:
        """The status the case will have once imported."""
        if self.withdrawn_on:
            return Case.Status.WITHDRAWN
        if not self.decision:
            return Case.Status.RECEIVED
        if self.decision == Case.Decision.ACCEPTED:
            return Case.Status.CONCLUDED if self.resolved_on else Case.Status.ACCEPTED
        return case_services.CLOSING_DECISIONS.get(self.decision, (Case.Status.URGED,))[0]


@dataclass
class ImportPlan:
    """What validating a file found: the rows to import, those already imported, the errors."""

    rows: list[ImportRow] = dataclasses.field(default_factory=list)
    skipped_lines: list[int] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.skipped_lines)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: int
    dry_run: bool


# Reading ---------------------------------------------------------------------------------------


Cell = str | dt.date


def read_table(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Cell]]]]:
    """The header and the (line number, cells) of a CSV or XLSX file, told apart by content."""
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            [
                RowError(
                    None, "", _("Tệp Excel 97-2003 (.xls) không được hỗ trợ; hãy lưu thành .xlsx.")
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [
                RowError(
                    None,
                    "",
                    _(
                        "Tệp không phải CSV mã hóa UTF-8 hoặc XLSX. Trong Excel, chọn lưu dưới "
                        "dạng “CSV UTF-8”."
                    ),
                )
            ]
        ) from exc
    return _read_csv(text)


def _read_csv(text: str) -> tuple[list[str], Iterator[tuple[int, list[Cell]]]]:
    first_line = text.split("\n", 1)[0]
    # Excel in some locales saves "CSV" with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], iter(())
    except csv.Error as exc:
        raise ImportFailed([RowError(1, "", _("Dòng tiêu đề không đọc được."))]) from exc

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # The csv module's message quotes the offending text: keep it out.
                raise ImportFailed(
                    [RowError(line, "", _("Dòng không đọc được (dấu ngoặc kép không đóng)."))]
                ) from exc
            yield line, list(cells)
            line = reader.line_num + 1

    return header, rows()


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Cell]]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFailed(
            [RowError(None, "", _("Tệp XLSX bị hỏng hoặc không đọc được."))]
        ) from exc
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_xlsx_cell(value) for value in next(values)]
    except StopIteration:
        workbook.close()
        return [], iter(())

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for line, row in enumerate(values, start=2):
                yield line, [_xlsx_cell(value) for value in row]
        finally:
            workbook.close()

    return [str(name) for name in header], rows()


def _xlsx_cell(value) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Validating ------------------------------------------------------------------------------------


def _normal(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


class _Lookups:
    """Everything a row is checked against, read once per file."""

    def __init__(self) -> None:
        fields = list(Field.objects.all())
        # Codes first, so a name that happens to equal another row's code cannot shadow it.
        self.fields: dict[str, Field] = {_normal(item.code): item for item in fields}
        for item in fields:
            self.fields.setdefault(_normal(item.name), item)
        self.rules = deadlines.RuleBook()
        self.today = timezone.localdate()


class _RowParser:
    """Parses one row into typed values, collecting an error per bad cell."""

    def __init__(self, line: int, cells: dict[str, Cell], lookups: _Lookups) -> None:
        self.line = line
        self.cells = cells
        self.lookups = lookups
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def number(self, column: str) -> str:
        value = self.text(column, max_length=50)
        problem = case_number_problem(value) if value else None
        if problem:
            self.error(column, problem)
            return ""
        return value

    def text(self, column: str, *, max_length: int | None = None) -> str:
        value = self.cells.get(column, "")
        if isinstance(value, dt.date):
            value = value.isoformat()
        value = unicodedata.normalize("NFC", value.strip())
        if max_length is not None and len(value) > max_length:
            self.error(column, _("Dài quá %(limit)s ký tự.") % {"limit": max_length})
        return value

    def choice(self, column: str, choices, *, required: bool = False) -> str:
        value = self.text(column).casefold()
        if not value:
            if required:
                self.error(column, _("Ô này không được để trống."))
            return ""
        if value not in choices.values:
            self.error(
                column,
                _("Giá trị không hợp lệ; chỉ nhận: %(values)s.")
                % {"values": ", ".join(choices.values)},
            )
            return ""
        return value

    def boolean(self, column: str) -> bool:
        value = _normal(self.text(column))
        if not value or value in FALSE_WORDS:
            return False
        if value in TRUE_WORDS:
            return True
        self.error(column, _("Giá trị không hợp lệ; chỉ nhận: true/false, 1/0, có/không."))
        return False

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.cells.get(column, "")
        if isinstance(value, dt.date):
            day = value
        else:
            value = value.strip()
            if not value:
                if required:
                    self.error(column, _("Ô này không được để trống."))
                return None
            day = None
            for fmt in DATE_FORMATS:
                try:
                    day = dt.datetime.strptime(value, fmt).date()
                    break
                except ValueError:
                    continue
            if day is None:
                self.error(column, _("Ngày không hợp lệ; ghi YYYY-MM-DD hoặc DD/MM/YYYY."))
                return None
        if day > self.lookups.today:
            self.error(column, _("Ngày không được sau ngày hôm nay."))
            return None
        return day

    def field_row(self, column: str) -> Field | None:
        value = _normal(self.text(column))
        if not value:
            self.error(column, _("Ô này không được để trống."))
            return None
        found = self.lookups.fields.get(value)
        if found is None:
            self.error(
                column,
                _(
                    "Không có lĩnh vực này; ghi mã (ví dụ: press, social_network) "
                    "hoặc tên lĩnh vực."
                ),
            )
        return found


def _parse_row(line: int, cells: dict[str, Cell], lookups: _Lookups) -> tuple[dict, list]:
    p = _RowParser(line, cells, lookups)
    values = {
        "number": p.number("number"),
        "kind": p.choice("kind", Case.Kind, required=True),
        "channel": p.choice("channel", Case.Channel, required=True),
        "field": p.field_row("field"),
        "received_on": p.date("received_on", required=True),
        "summary": p.text("summary", max_length=500),
        "accused": p.text("accused", max_length=300),
        "corruption_related": p.boolean("corruption_related"),
        "anonymous": p.boolean("anonymous"),
        "decision": p.choice("decision", Case.Decision),
        "decision_on": p.date("decision_on"),
        "extension": p.choice("extension", Case.Extension) or Case.Extension.NONE,
        "finding": p.choice("finding", Case.Finding),
        "resolved_on": p.date("resolved_on"),
        "withdrawn_on": p.date("withdrawn_on"),
    }
    if not values["summary"]:
        p.error("summary", _("Thiếu tóm tắt nội dung đơn."))
    values["reporter"] = _parse_reporter(p, values["anonymous"])
    bad_columns = {error.column for error in p.errors}
    _check_consistency(p, values, bad_columns)
    return values, p.errors


def _parse_reporter(p: _RowParser, anonymous: bool) -> ReporterData | None:
    name = p.text("reporter_name", max_length=150)
    id_number = p.text("reporter_id_number", max_length=20)
    phone = p.text("reporter_phone", max_length=20)
    address = p.text("reporter_address", max_length=300)
    email = p.text("reporter_email")
    if anonymous:
        for column, value in zip(
            IDENTITY_COLUMNS, (name, id_number, phone, address, email), strict=True
        ):
            if value:
                p.error(column, _("Đơn nặc danh không ghi thông tin người gửi."))
        return None
    if not name:
        p.error(
            "reporter_name",
            _("Thiếu họ tên người gửi đơn; đơn không có người đứng tên thì ghi anonymous = true."),
        )
    digits = crypto.normalize_digits(id_number)
    if id_number and len(digits) not in (9, 12):
        p.error("reporter_id_number", _("Số CCCD có 12 chữ số (CMND cũ: 9 chữ số)."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            p.error("reporter_email", _("Thư điện tử không hợp lệ."))
    return ReporterData(
        full_name=name,
        id_number=id_number,
        phone=phone,
        address=address,
        email=email,
        is_representative=True,
    )


def _check_consistency(p: _RowParser, v: dict, bad: set[str]) -> None:
    """The procedure's order of things, checked across columns (only on cells that parsed)."""
    kind, decision = v["kind"], v["decision"]
    received_on, decision_on = v["received_on"], v["decision_on"]
    resolved_on, withdrawn_on = v["resolved_on"], v["withdrawn_on"]
    finding, extension = v["finding"], v["extension"]
    accepted = decision == Case.Decision.ACCEPTED
    closing = decision in case_services.CLOSING_DECISIONS
    has_finding_kind = kind in (Case.Kind.COMPLAINT, Case.Kind.DENUNCIATION)

    def before(column: str, day, earlier, earlier_column: str) -> None:
        if day and earlier and day < earlier and column not in bad:
            p.error(
                column,
                _("Ngày này trước %(other)s (cột %(column)s).")
                % {"other": _COLUMN_LABELS[earlier_column], "column": earlier_column},
            )

    if "decision" not in bad and "decision_on" not in bad:
        if decision and not decision_on:
            p.error("decision_on", _("Có hướng xử lý đơn thì phải có ngày xử lý đơn."))
        if decision_on and not decision:
            p.error("decision", _("Có ngày xử lý đơn thì phải ghi hướng xử lý đơn."))
    before("decision_on", decision_on, received_on, "received_on")

    if accepted and v["anonymous"]:
        p.error(
            "decision",
            _(
                "Đơn nặc danh không được thụ lý giải quyết theo Luật; "
                "hướng xử lý là lưu đơn (filed)."
            ),
        )
    if (
        decision == Case.Decision.FORWARDED
        and kind == Case.Kind.DENUNCIATION
        and v["channel"] == Case.Channel.FORWARDED
    ):
        p.error(
            "decision",
            _(
                "Đơn tố cáo do cơ quan khác chuyển đến thì không chuyển tiếp lần nữa "
                "(chỉ chuyển một lần, Thông tư 05/2021)."
            ),
        )

    if extension != Case.Extension.NONE:
        if not has_finding_kind:
            p.error("extension", _("Chỉ gia hạn giải quyết khiếu nại, tố cáo."))
        elif not accepted:
            p.error("extension", _("Chỉ gia hạn khi đơn đã được thụ lý (decision = accepted)."))
        elif kind == Case.Kind.COMPLAINT and extension != Case.Extension.COMPLEX:
            p.error(
                "extension",
                _("Khiếu nại chỉ có mức phức tạp (complex); không có mức đặc biệt phức tạp."),
            )

    if finding:
        if not has_finding_kind:
            p.error("finding", _("Kiến nghị, phản ánh không có kết luận đúng, sai."))
        elif not accepted:
            p.error("finding", _("Chỉ có kết luận khi đơn đã được thụ lý (decision = accepted)."))
        elif withdrawn_on:
            p.error("finding", _("Đơn đã rút thì không có kết luận."))
        elif not resolved_on and "resolved_on" not in bad:
            p.error("resolved_on", _("Có kết luận thì phải có ngày kết thúc (ngày kết luận)."))

    if withdrawn_on and "decision" not in bad:
        if closing:
            p.error(
                "withdrawn_on",
                _("Đơn đã chuyển, hướng dẫn, trả lại hoặc lưu thì không còn rút được."),
            )
        before("withdrawn_on", withdrawn_on, received_on, "received_on")
        before("withdrawn_on", withdrawn_on, decision_on, "decision_on")

    if resolved_on and "decision" not in bad:
        if withdrawn_on:
            if resolved_on != withdrawn_on:
                p.error("resolved_on", _("Đơn đã rút thì ngày kết thúc là ngày rút đơn."))
        elif closing:
            if decision_on and resolved_on != decision_on:
                p.error(
                    "resolved_on",
                    _(
                        "Đơn đã chuyển, hướng dẫn, trả lại hoặc lưu thì ngày kết thúc là ngày "
                        "xử lý đơn."
                    ),
                )
        elif not accepted:
            p.error(
                "resolved_on",
                _("Chỉ ghi ngày kết thúc khi đơn đã giải quyết xong; đơn này chưa thụ lý."),
            )
        else:
            before("resolved_on", resolved_on, decision_on, "decision_on")
            if has_finding_kind and not finding and "finding" not in bad:
                p.error(
                    "finding",
                    _(
                        "Khiếu nại, tố cáo đã giải quyết xong phải có kết luận "
                        "(founded, partly_founded, unfounded)."
                    ),
                )

    if not p.errors:
        _check_rules_exist(p, v)


def _check_rules_exist(p: _RowParser, v: dict) -> None:
    """A date before the laws in the rule table would fail half-way through the import."""
    case = Case(
        kind=v["kind"],
        channel=v["channel"],
        received_on=v["received_on"],
        extension=v["extension"],
    )
    rules = p.lookups.rules
    try:
        deadlines.handling_rule(case, rules)
    except deadlines.MissingTimeLimitRule:
        p.error("received_on", _("Chưa có thời hạn theo luật áp dụng cho ngày nhận đơn này."))
        return
    if v["decision"] == Case.Decision.ACCEPTED:
        try:
            deadlines.resolution_rule(case, rules, v["decision_on"])
            if v["kind"] == Case.Kind.DENUNCIATION and v["extension"] != Case.Extension.NONE:
                deadlines.extension_rule(case, v["extension"], rules, v["decision_on"])
        except deadlines.MissingTimeLimitRule:
            p.error("decision_on", _("Chưa có thời hạn theo luật áp dụng cho ngày thụ lý này."))


_COLUMN_LABELS = {
    "received_on": gettext_lazy("ngày nhận đơn"),
    "decision_on": gettext_lazy("ngày xử lý đơn"),
}


def import_key(values: dict, *, key: str | None = None) -> str:
    """A keyed hash of the petition columns: the same petition gives the same key whatever the
    spelling of its dates and booleans, and whatever happened to it since. Keyed with the blind
    index key, since the columns include the reporter's identity."""
    reporter = values["reporter"]
    canonical = {
        "kind": values["kind"],
        "channel": values["channel"],
        "field": values["field"].code,
        "received_on": values["received_on"].isoformat(),
        "summary": _normal(values["summary"]),
        "accused": _normal(values["accused"]),
        "corruption_related": values["corruption_related"],
        "anonymous": values["anonymous"],
        "reporter": None
        if reporter is None
        else [
            _normal(reporter.full_name),
            crypto.normalize_digits(reporter.id_number),
            crypto.normalize_phone(reporter.phone),
            _normal(reporter.address),
            _normal(reporter.email),
        ],
    }
    message = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return crypto.blind_index(message, purpose=IMPORT_KEY_PURPOSE, key=key)


def _check_header(header: list[str]) -> tuple[list[str], list[RowError]]:
    names = [_normal(name) for name in header]
    errors = []
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            errors.append(RowError(1, name, _("Cột bị lặp lại.")))
        seen.add(name)
        if name in COMPUTED_COLUMNS:
            errors.append(
                RowError(
                    1,
                    name,
                    _(
                        "Cột do hệ thống tự tính (có trong tệp xuất), không nhập được; "
                        "hãy xóa cột này."
                    ),
                )
            )
        elif name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    name,
                    _("Cột không có trong danh sách cột nhập (xem README, mục Import and export)."),
                )
            )
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("Thiếu cột bắt buộc.")))
    return names, errors


def plan_import(data: bytes) -> ImportPlan:
    """Read and check the whole file against the database; nothing is written."""
    plan = ImportPlan()
    try:
        header, rows = read_table(data)
        if not header or not any(_normal(name) for name in header):
            return ImportPlan(errors=[RowError(None, "", _("Tệp trống."))])
        names, header_errors = _check_header(header)
        if header_errors:
            return ImportPlan(errors=header_errors)
        lookups = _Lookups()
        parsed: list[tuple[int, dict]] = []
        for line, cells in rows:
            if all(_blank(cell) for cell in cells):
                continue
            by_name: dict[str, Cell] = {}
            for index, cell in enumerate(cells):
                name = names[index] if index < len(names) else ""
                if name:
                    by_name[name] = cell
                elif not _blank(cell):
                    plan.errors.append(
                        RowError(line, "", _("Có ô có dữ liệu nằm ngoài các cột có tiêu đề."))
                    )
            values, errors = _parse_row(line, by_name, lookups)
            if errors:
                plan.errors.extend(errors)
            else:
                parsed.append((line, values))
    except ImportFailed as error:
        plan.errors.extend(error.errors)
        return plan
    if not parsed and not plan.errors:
        plan.errors.append(RowError(None, "", _("Tệp không có dòng dữ liệu nào.")))
    _match_existing(parsed, plan)
    plan.errors.sort(key=lambda error: error.line or 0)
    return plan


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _match_existing(parsed: list[tuple[int, dict]], plan: ImportPlan) -> None:
    """Sort valid rows into new ones and ones already imported; a number or a petition twice in
    the file, or a number another petition already holds, is an error."""
    # While `rotate_keys --blind-index` runs, rows imported under the previous key must still
    # be recognised; the key stored is always the current one.
    current_key, *previous_keys = crypto.blind_index_keys()
    variants: dict[str, str] = {}
    for _line, values in parsed:
        values["key"] = import_key(values, key=current_key)
        variants[values["key"]] = values["key"]
        for previous in previous_keys:
            variants[import_key(values, key=previous)] = values["key"]
    numbers = [values["number"] for _line, values in parsed if values["number"]]
    existing_numbers = {}
    for chunk in _chunks(numbers, 500):
        existing_numbers.update(
            (number, (kind, received_on))
            for number, kind, received_on in Case.objects.filter(number__in=chunk).values_list(
                "number", "kind", "received_on"
            )
        )
    existing_keys = set()
    for chunk in _chunks(list(variants), 500):
        existing_keys.update(
            variants[found]
            for found in CaseEvent.objects.filter(
                kind=CaseEvent.Kind.RECEIVED, data__import_key__in=chunk
            ).values_list("data__import_key", flat=True)
        )
    number_lines: dict[str, int] = {}
    key_lines: dict[str, int] = {}
    for line, values in parsed:
        number, key = values["number"], values["key"]
        if number and number in number_lines:
            plan.errors.append(
                RowError(
                    line,
                    "number",
                    _("Số đơn trùng với dòng %(line)s.") % {"line": number_lines[number]},
                )
            )
            continue
        if key in key_lines:
            plan.errors.append(
                RowError(
                    line,
                    "",
                    _("Cùng một đơn với dòng %(line)s (trùng mọi cột về đơn và người gửi).")
                    % {"line": key_lines[key]},
                )
            )
            continue
        if number:
            number_lines[number] = line
        key_lines[key] = line
        if number in existing_numbers:
            if existing_numbers[number] == (values["kind"], values["received_on"]):
                plan.skipped_lines.append(line)
            else:
                plan.errors.append(
                    RowError(
                        line,
                        "number",
                        _(
                            "Số đơn này đã được dùng cho một đơn khác "
                            "(khác loại đơn hoặc ngày nhận)."
                        ),
                    )
                )
            continue
        if key in existing_keys:
            plan.skipped_lines.append(line)
            continue
        plan.rows.append(ImportRow(line=line, **values))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Writing ---------------------------------------------------------------------------------------


Progress = Callable[[int, int], None]

# Rows computed in memory before they are written: large enough that the bulk inserts cost
# little per row, small enough to keep a batch's objects (and SQL parameters) modest.
BATCH_SIZE = 1000


def run_import(
    plan: ImportPlan,
    *,
    by=None,
    source: str = "",
    progress: Progress | None = None,
    progress_every: int = 500,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import every planned row, all or nothing.

    Each row's case is taken through the same steps of the procedure as on the screens
    (`cases.procedure`), in memory; then each batch of cases is written with its reporters,
    timeline events, history rows and report facts in a few bulk inserts. The result is the
    data the services would have written row by row (tests/test_import_equivalence.py holds
    the two paths together), at a fraction of the queries. `progress(done, total)` is called
    after each batch written that crosses a multiple of `progress_every`, and at the end.
    """
    if not plan.is_valid:
        raise ImportFailed(plan.errors)
    if not connection.features.can_return_rows_from_bulk_insert:
        # The bulk path needs the ids of the cases it inserts; without them, replay.
        return _run_import_through_services(
            plan, by=by, source=source, progress=progress, progress_every=progress_every
        )
    total = len(plan.rows)
    with transaction.atomic():
        writer = _BulkWriter(plan.rows, by=by, source=source)
        for start in range(0, total, batch_size):
            batch = plan.rows[start : start + batch_size]
            for row in batch:
                with _refusals(row):
                    writer.add(row)
            writer.flush()
            done = start + len(batch)
            if progress is not None and (
                done // progress_every > start // progress_every or done == total
            ):
                progress(done, total)
        writer.finish()
    logger.info("Imported %d case(s), skipped %d already imported", total, len(plan.skipped_lines))
    return ImportResult(imported=total, skipped=len(plan.skipped_lines), dry_run=False)


def _run_import_through_services(
    plan: ImportPlan,
    *,
    by=None,
    source: str = "",
    progress: Progress | None = None,
    progress_every: int = 500,
) -> ImportResult:
    """The same import, each row replayed through the services one step at a time (a few
    dozen queries a row). The reference the bulk path is tested against."""
    if not plan.is_valid:
        raise ImportFailed(plan.errors)
    ctx = procedure.Context()
    total = len(plan.rows)
    with transaction.atomic():
        for done, row in enumerate(plan.rows, start=1):
            with _refusals(row):
                _replay(row, by=by, source=source, rules=ctx.rules, calendar=ctx.calendar)
            if progress is not None and (done % progress_every == 0 or done == total):
                progress(done, total)
    logger.info("Imported %d case(s), skipped %d already imported", total, len(plan.skipped_lines))
    return ImportResult(imported=total, skipped=len(plan.skipped_lines), dry_run=False)


@contextmanager
def _refusals(row: ImportRow) -> Iterator[None]:
    """A step the checks above let through and the procedure refused: roll every row back and
    say where. The procedure's messages name no reporter."""
    try:
        yield
    except case_services.ProcedureError as error:
        raise ImportFailed([RowError(row.line, "", "; ".join(error.messages))]) from error
    except deadlines.MissingTimeLimitRule as error:
        message = _("Chưa có thời hạn theo luật áp dụng cho các ngày của dòng này.")
        raise ImportFailed([RowError(row.line, "", message)]) from error
    except ValidationError as error:
        # From another app's service (the reporter's): its message might quote a value.
        message = _("Không ghi được dòng này (thông tin người gửi đơn không hợp lệ).")
        raise ImportFailed([RowError(row.line, "", message)]) from error


# What a row means, for both paths.


def _note(row: ImportRow, source: str) -> str:
    return _("Nhập từ tệp dữ liệu %(source)s, dòng %(line)s.") % {
        "source": source[:100] or "-",
        "line": row.line,
    }


def _content(row: ImportRow) -> intake_services.ContentData:
    return intake_services.ContentData(
        kind=row.kind,
        field=row.field,
        summary=row.summary,
        accused=row.accused,
        corruption_related=row.corruption_related,
    )


def _reporters(row: ImportRow) -> list[ReporterData]:
    return [row.reporter] if row.reporter else []


def _steps(row: ImportRow, *, note: str, rules: deadlines.RuleBook) -> list[tuple[str, dict]]:
    """The steps the file says the petition went through after its receipt, in order, as
    (step, arguments): the arguments both `cases.procedure` and `cases.services` take.

    The file gives an extension's level, not the extension decisions: the case gets the full
    extension the law allows for that level (an especially complex denunciation: both 30-day
    extensions), dated on the acceptance, the one day certain to fall before the original
    due date."""
    steps: list[tuple[str, dict]] = []
    if row.decision:
        forwarded_to = FORWARDED_TO_UNKNOWN if row.decision == Case.Decision.FORWARDED else ""
        steps.append(
            (
                "decide",
                {
                    "decision": row.decision,
                    "on": row.decision_on,
                    "forwarded_to": forwarded_to,
                    "note": note,
                },
            )
        )
    if row.extension != Case.Extension.NONE:
        times = 1
        if row.kind == Case.Kind.DENUNCIATION:
            probe = Case(kind=row.kind)
            times = deadlines.extension_rule(probe, row.extension, rules, row.decision_on).times
        reason = _("Vụ việc %(level)s. %(note)s") % {
            "level": Case.Extension(row.extension).label.lower(),
            "note": note,
        }
        extension = {"level": row.extension, "reason": reason, "on": row.decision_on}
        steps.extend(("extend", dict(extension)) for _time in range(times))
    if row.withdrawn_on:
        steps.append(("withdraw", {"on": row.withdrawn_on, "note": note}))
    elif row.resolved_on and row.decision == Case.Decision.ACCEPTED:
        steps.append(("conclude", {"finding": row.finding, "on": row.resolved_on, "note": note}))
    return steps


# Through the services, one row at a time.

SERVICE_STEPS = {
    "decide": case_services.case_decide,
    "extend": case_services.case_extend,
    "withdraw": case_services.case_withdraw,
    "conclude": case_services.case_conclude,
}


def _replay(row: ImportRow, *, by, source: str, rules, calendar) -> Case:
    note = _note(row, source)
    shared = {"rules": rules, "calendar": calendar}
    (case,) = intake_services.petition_register(
        by=by,
        channel=row.channel,
        received_on=row.received_on,
        contents=[_content(row)],
        reporters=_reporters(row),
        anonymous=row.anonymous,
        number=row.number or None,
        note=note,
        event_data={"import_key": row.key},
        **shared,
    )
    for name, arguments in _steps(row, note=note, rules=rules):
        SERVICE_STEPS[name](case=case, by=by, **arguments, **shared)
    return case


# In memory, then in bulk.

PROCEDURE_STEPS = {
    "decide": procedure.decide,
    "extend": procedure.extend,
    "withdraw": procedure.withdraw,
    "conclude": procedure.conclude,
}
HistoricalCase = Case.history.model
# Filled in from the inserted row: the id, and the timestamps the insert sets.
_CASE_STAMPED = ("id", "created_at", "updated_at")
CASE_SNAPSHOT_FIELDS = [
    field.attname for field in HistoricalCase.tracked_fields if field.attname not in _CASE_STAMPED
]


@dataclass
class _Built:
    """One row's case as the procedure left it, with what goes with it."""

    case: Case
    reporters: list  # protection.models.Reporter, unsaved
    events: list[procedure.EventSpec]
    # The case's fields after its receipt and after each step that changed it: its history.
    snapshots: list[dict]


class _Numbers:
    """Case numbers handed out as `case_number_next` would, row after row, from one read of
    the numbers already taken and one locked read of each year's counter."""

    def __init__(self, rows: list[ImportRow]) -> None:
        given = [row.number for row in rows if row.number]
        years = sorted({row.received_on.year for row in rows if not row.number})
        self.taken: set[str] = set()
        for chunk in _chunks(given, 500):
            self.taken.update(
                Case.objects.filter(number__in=chunk).values_list("number", flat=True)
            )
        self.counters: dict[int, CaseCounter] = {}
        for year in years:
            # Locked to the end of the import, as each new number would lock it.
            counter, _created = CaseCounter.objects.select_for_update().get_or_create(year=year)
            self.counters[year] = counter
            self.taken.update(
                Case.objects.filter(number__startswith=f"{year}-").values_list("number", flat=True)
            )

    def take(self, number: str, year: int) -> tuple[str, int | None]:
        if number:
            if number in self.taken:
                raise procedure.number_taken(number)
            self.taken.add(number)
            return number, None
        counter = self.counters[year]
        number, counter.last = procedure.next_number(
            year, counter.last, taken=self.taken.__contains__
        )
        self.taken.add(number)
        return number, counter.last

    def save(self) -> None:
        for counter in self.counters.values():
            counter.save(update_fields=["last"])


class _Clock:
    """History dates that follow each other, as saves one after another would give: the
    history's "previous version" is the one with the latest earlier date."""

    def __init__(self) -> None:
        self.last: dt.datetime | None = None

    def tick(self) -> dt.datetime:
        now = timezone.now()
        if self.last is not None and now <= self.last:
            now = self.last + dt.timedelta(microseconds=1)
        self.last = now
        return now


class _BulkWriter:
    def __init__(self, rows: list[ImportRow], *, by, source: str) -> None:
        self.by = by
        self.source = source
        self.ctx = procedure.Context()
        self.numbers = _Numbers(rows)
        self.clock = _Clock()
        self.pending: list[_Built] = []

    def add(self, row: ImportRow) -> None:
        """Take the row's petition through the procedure in memory (nothing is written)."""
        ctx, note = self.ctx, _note(row, self.source)
        content, reporters = _content(row), _reporters(row)
        intake_services.petition_check(
            contents=[content],
            reporters=reporters,
            anonymous=row.anonymous,
            number=row.number or None,
        )
        procedure.check_receipt(
            kind=row.kind, received_on=row.received_on, follow_up_of=None, today=ctx.today
        )
        number, sequence = self.numbers.take(row.number, row.received_on.year)
        case, step = procedure.receive(
            ctx,
            by=self.by,
            number=number,
            sequence=sequence,
            kind=content.kind,
            channel=row.channel,
            field=content.field,
            received_on=row.received_on,
            summary=content.summary,
            content=content.content,
            accused=content.accused,
            corruption_related=content.corruption_related,
            anonymous=row.anonymous,
            note=note,
            event_data={"import_key": row.key},
        )
        events = list(step.events)
        snapshots = [_snapshot(case)]
        for name, arguments in _steps(row, note=note, rules=ctx.rules):
            if name == "decide":
                arguments["was_forwarded"] = lambda: any(
                    event.kind == CaseEvent.Kind.FORWARDED for event in events
                )
            step = PROCEDURE_STEPS[name](case, ctx, **arguments)
            if step.fields:
                snapshots.append(_snapshot(case))
            events.extend(step.events)
        case.derive_search_columns()  # bulk_create does not call save()
        built_reporters = protection_services.reporters_build(case=case, reporters=reporters)
        self.pending.append(_Built(case, built_reporters, events, snapshots))

    def flush(self) -> None:
        """Write the pending cases and everything that goes with them."""
        if not self.pending:
            return
        by, clock = self.by, self.clock
        Case.objects.bulk_create([built.case for built in self.pending])
        events = [
            CaseEvent(
                case=built.case,
                kind=event.kind,
                effective_on=event.on,
                actor=by,
                note=event.note,
                document_number=event.document_number,
                due_on=event.due_on,
                data=event.data or {},
            )
            for built in self.pending
            for event in built.events
        ]
        case_history = []
        for built in self.pending:
            stamped = {name: getattr(built.case, name) for name in _CASE_STAMPED}
            for index, snapshot in enumerate(built.snapshots):
                case_history.append(
                    HistoricalCase(
                        **snapshot,
                        **stamped,
                        history_date=clock.tick(),
                        history_type="+" if index == 0 else "~",
                        history_user=by,
                        history_change_reason=None,
                    )
                )
        HistoricalCase.objects.bulk_create(case_history)
        protection_services.reporters_insert(
            reporters=[reporter for built in self.pending for reporter in built.reporters],
            by=by,
            history_date=clock.tick,
        )
        # Last, through the kernel's one writer of timeline events: what follows the timeline
        # (the report read model) then sees the batch's cases and reporters complete.
        case_services.events_write(events)
        self.pending = []

    def finish(self) -> None:
        self.flush()
        self.numbers.save()


def _snapshot(case: Case) -> dict:
    """The case's fields as its history keeps them (containers copied: later steps replace
    them, but a copy costs nothing and keeps each version its own)."""
    values = {}
    for name in CASE_SNAPSHOT_FIELDS:
        value = getattr(case, name)
        values[name] = copy.copy(value) if isinstance(value, list | dict) else value
    return values


def import_file(
    data: bytes,
    *,
    by=None,
    source: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> tuple[ImportPlan, ImportResult]:
    """Validate, then (unless a dry run) import. Raises ImportFailed listing every problem."""
    plan = plan_import(data)
    if not plan.is_valid:
        raise ImportFailed(plan.errors)
    if dry_run:
        return plan, ImportResult(
            imported=len(plan.rows), skipped=len(plan.skipped_lines), dry_run=True
        )
    return plan, run_import(plan, by=by, source=source, progress=progress)


def summarize_errors(errors: Iterable[RowError]) -> list[str]:
    return [str(error) for error in errors]
