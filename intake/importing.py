"""Import cases from a CSV (UTF-8) or XLSX file: read and check the whole file, taking each row
through the same steps of the procedure the screens use, then write every row in one
transaction.

The importer only reads: columns, dates, codes, the reporter's identity (through the identity
vault's own check). What a petition may go through is the procedure's to say: each row's
petition is registered, decided, extended, concluded or withdrawn by the functions of
`cases.procedure` (and `intake.services.petition_check`), the ones the services call, in memory
while the file is checked; a step they refuse fails the row with their own message, named by the
column the step comes from. What the check built is what gets written, in bulk (a row replayed
through the services costs a few dozen queries), so an imported case has the timeline, the
statutory due dates, the history and the encrypted reporter that a case typed in by hand has.
Each step takes effect on the date the file gives, so reports read imported cases as they stood
on any past date.

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
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import deadlines, procedure
from cases import services as case_services
from cases.models import Case, CaseCounter, CaseEvent, Field, case_number_problem
from core import crypto
from core.formats import DATE_FORMATS
from intake import services as intake_services
from protection import services as protection_services
from protection.identity import identity_problems
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
# The identity check's field names (ReporterData's) and the columns they are read from.
IDENTITY_FIELD_COLUMNS = {
    "full_name": "reporter_name",
    "id_number": "reporter_id_number",
    "phone": "reporter_phone",
    "address": "reporter_address",
    "email": "reporter_email",
}
IDENTITY_COLUMNS = tuple(IDENTITY_FIELD_COLUMNS.values())
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
    """One row as read, and (once the plan has taken it through the procedure) as built."""

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
    # The case as the procedure left it, its events and history: what the import writes.
    built: _Built | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def outcome(self) -> str:
        """The status the case will have once imported (as the procedure left it)."""
        return self.built.case.status if self.built else ""


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
    _check_dated(p, values)
    return values, p.errors


def _parse_reporter(p: _RowParser, anonymous: bool) -> ReporterData | None:
    """The row's reporter, None when every identity cell is blank. Whether the petition may
    have one (an anonymous one may not, any other must) is `petition_check`'s to say."""
    reporter = ReporterData(
        full_name=p.text("reporter_name", max_length=150),
        id_number=p.text("reporter_id_number", max_length=20),
        phone=p.text("reporter_phone", max_length=20),
        address=p.text("reporter_address", max_length=300),
        email=p.text("reporter_email"),
        is_representative=True,
    )
    if not any(_identity(reporter)):
        return None
    if not anonymous:
        problems = identity_problems(
            full_name=reporter.full_name,
            id_number=reporter.id_number,
            phone=reporter.phone,
            email=reporter.email,
        )
        for name, message in problems.items():
            p.error(IDENTITY_FIELD_COLUMNS[name], message)
    return reporter


def _identity(reporter: ReporterData) -> tuple[str, ...]:
    """The identity cells, in the order of IDENTITY_COLUMNS."""
    return tuple(getattr(reporter, name) for name in IDENTITY_FIELD_COLUMNS)


def _check_dated(p: _RowParser, v: dict) -> None:
    """A step the file names is taken on the date the file gives it: a decision without its
    date, a date without its decision, or a finding without the day of the conclusion cannot
    be read (the screens would take today; a file speaks of the past)."""
    bad = {error.column for error in p.errors}
    if "decision" not in bad and "decision_on" not in bad:
        if v["decision"] and not v["decision_on"]:
            p.error("decision_on", _("Có hướng xử lý đơn thì phải có ngày xử lý đơn."))
        if v["decision_on"] and not v["decision"]:
            p.error("decision", _("Có ngày xử lý đơn thì phải ghi hướng xử lý đơn."))
    if v["finding"] and not v["resolved_on"] and "resolved_on" not in bad:
        p.error("resolved_on", _("Có kết luận thì phải có ngày kết thúc (ngày kết luận)."))


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
    """Read and check the whole file against the database, taking each row's petition through
    the procedure in memory; nothing is written. The plan keeps what the procedure built for
    each new row, and `run_import` writes that."""
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
    already_imported = _match_existing(parsed, plan)
    ctx = procedure.Context(today=lookups.today, rules=lookups.rules)
    for row in plan.rows:
        try:
            row.built = _build(row, ctx)
        except ImportFailed as refused:
            plan.errors.extend(refused.errors)
    # Checked like the others (the whole file is), never written.
    for row in already_imported:
        try:
            _build(row, ctx)
        except ImportFailed as refused:
            plan.errors.extend(refused.errors)
    plan.errors.sort(key=lambda error: error.line or 0)
    return plan


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _match_existing(parsed: list[tuple[int, dict]], plan: ImportPlan) -> list[ImportRow]:
    """Sort valid rows into new ones (`plan.rows`) and ones already imported (returned, their
    lines in `plan.skipped_lines`); a number or a petition twice in the file, or a number
    another petition already holds, is an error."""
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
    already_imported: list[ImportRow] = []
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
                already_imported.append(ImportRow(line=line, **values))
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
            already_imported.append(ImportRow(line=line, **values))
            continue
        plan.rows.append(ImportRow(line=line, **values))
    return already_imported


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Taking each row through the procedure ---------------------------------------------------------


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
    (step, arguments): the arguments both `cases.procedure` and `cases.services` take. Whether
    the petition could go through them is the procedure's to say.

    The file gives an extension's level, not the extension decisions: the case gets the full
    extension the law allows for that level (an especially complex denunciation: both 30-day
    extensions), dated on the handling decision, the one day certain to fall before the
    original due date. `resolved_on` is the day of the conclusion, unless the handling decision
    or a withdrawal ended the petition (then it can only repeat that day: `_build` checks it)."""
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
        if row.kind == Case.Kind.DENUNCIATION and row.decision_on:
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
    ended = row.withdrawn_on or row.decision in procedure.CLOSING_DECISIONS
    if row.finding or (row.resolved_on and not ended):
        steps.append(("conclude", {"finding": row.finding, "on": row.resolved_on, "note": note}))
    return steps


PROCEDURE_STEPS = {
    "decide": procedure.decide,
    "extend": procedure.extend,
    "withdraw": procedure.withdraw,
    "conclude": procedure.conclude,
}
# The column a refused step is named by: the one the step comes from, and the one holding its
# date (for a ProcedureError with code "date").
STEP_COLUMNS = {
    "receive": ("received_on", "received_on"),
    "decide": ("decision", "decision_on"),
    # Extensions are dated on the handling decision.
    "extend": ("extension", "decision_on"),
    "withdraw": ("withdrawn_on", "withdrawn_on"),
    "conclude": ("finding", "resolved_on"),
}
HistoricalCase = Case.history.model
# Filled in from the inserted row: the id, and the timestamps the insert sets.
_CASE_STAMPED = ("id", "created_at", "updated_at")
CASE_SNAPSHOT_FIELDS = [
    field.attname for field in HistoricalCase.tracked_fields if field.attname not in _CASE_STAMPED
]


@dataclass
class _Built:
    """One row's case as the procedure left it, with what goes with it. What only the writing
    knows is left out: the number (handed out under the year's counter lock), the officer who
    imports, the file's name in the notes (`note`, with no name yet, stands in for it)."""

    case: Case
    events: list[procedure.EventSpec]
    # The case's fields after its receipt and after each step that changed it: its history.
    snapshots: list[dict]
    note: str
    reporters: list = dataclasses.field(default_factory=list)  # protection Reporter, unsaved

    def stamped(self, *, number: str, sequence: int | None, by, note: str) -> _Built:
        """The case as it is written. A copy: the plan keeps what it built, so a plan whose
        writing was refused (a number taken meanwhile) can be written again."""
        case = copy.copy(self.case)
        case.number, case.sequence, case.registered_by = number, sequence, by
        case.derive_search_columns()  # bulk_create does not call save()
        fixed = {"number": number, "sequence": sequence, "registered_by_id": case.registered_by_id}
        events = self.events
        if note != self.note:
            events = [
                dataclasses.replace(event, note=event.note.replace(self.note, note))
                for event in events
            ]
        return _Built(case, events, [{**snapshot, **fixed} for snapshot in self.snapshots], note)


def _build(row: ImportRow, ctx: procedure.Context) -> _Built:
    """Take the row's petition through the procedure in memory, step by step as the screens
    would (nothing is written, no query but the rules' and the calendar's first reads). A step
    the procedure refuses raises ImportFailed with its own message, named by the row's line and
    the column the step comes from."""
    note = _note(row, "")
    content, reporters = _content(row), _reporters(row)
    name = "petition"
    try:
        intake_services.petition_check(
            contents=[content],
            reporters=reporters,
            anonymous=row.anonymous,
            number=row.number or None,
        )
        name = "receive"
        case, step = procedure.receive(
            ctx,
            by=None,
            number=row.number,
            sequence=None,
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
        name = "extend"  # `_steps` reads how many extensions the level allows
        for name, arguments in _steps(row, note=note, rules=ctx.rules):
            if name == "decide":
                arguments["was_forwarded"] = lambda: any(
                    event.kind == CaseEvent.Kind.FORWARDED for event in events
                )
            step = PROCEDURE_STEPS[name](case, ctx, **arguments)
            if step.fields:
                snapshots.append(_snapshot(case))
            events.extend(step.events)
    except procedure.ProcedureError as error:
        column = _refused_column(row, name, getattr(error, "code", None))
        raise ImportFailed([RowError(row.line, column, "; ".join(error.messages))]) from error
    except deadlines.MissingTimeLimitRule as error:
        message = _(
            "Chưa có thời hạn theo luật áp dụng cho bước này; hãy báo quản trị hệ thống bổ sung "
            "(Thời hạn theo luật)."
        )
        column = _refused_column(row, name, None)
        raise ImportFailed([RowError(row.line, column, message)]) from error
    if row.resolved_on and row.resolved_on != case.resolved_on:
        # The file repeats the day the handling decision or the withdrawal ended the petition.
        message = _(
            "Theo các cột xử lý đơn, rút đơn của dòng này, đơn kết thúc ngày %(day)s; ghi ngày "
            "đó hoặc để trống."
        ) % {"day": f"{case.resolved_on:%d/%m/%Y}"}
        raise ImportFailed([RowError(row.line, "resolved_on", message)])
    return _Built(case, events, snapshots, note)


def _refused_column(row: ImportRow, step: str, code: str | None) -> str:
    if step == "petition":
        # Who sent the petition: an anonymous one names someone (the first cell that does), or
        # another names nobody.
        if row.anonymous and row.reporter is not None:
            identity = _identity(row.reporter)
            return next(c for c, value in zip(IDENTITY_COLUMNS, identity, strict=True) if value)
        return "reporter_name"
    column, date_column = STEP_COLUMNS[step]
    if code == "date":
        return date_column
    if step == "conclude" and code == "status" and not row.finding:
        # Refused before its finding was looked at: the file asked for it by its end date.
        return date_column
    return column


def _snapshot(case: Case) -> dict:
    """The case's fields as its history keeps them (containers copied: later steps replace
    them, but a copy costs nothing and keeps each version its own)."""
    values = {}
    for name in CASE_SNAPSHOT_FIELDS:
        value = getattr(case, name)
        values[name] = copy.copy(value) if isinstance(value, list | dict) else value
    return values


# Writing ---------------------------------------------------------------------------------------


Progress = Callable[[int, int], None]

# Rows written per batch: large enough that the bulk inserts cost little per row, small enough
# to keep a batch's objects (and SQL parameters) modest.
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

    Each row's case was taken through the same steps of the procedure as on the screens
    (`cases.procedure`), in memory, when the plan checked the file; here each batch of those
    cases gets its numbers and is written with its reporters, timeline events, history rows and
    report facts in a few bulk inserts. The result is the data the services would have written
    row by row (tests/test_import_equivalence.py holds the two paths together), at a fraction
    of the queries. `progress(done, total)` is called after each batch written that crosses a
    multiple of `progress_every`, and at the end.
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
def _refusals(row: ImportRow, *, column: str = "") -> Iterator[None]:
    """A row refused while written, for what changed in the database since the plan checked
    it (a number taken meanwhile): roll every row back and say where. The procedure's messages
    name no reporter."""
    try:
        yield
    except case_services.ProcedureError as error:
        raise ImportFailed([RowError(row.line, column, "; ".join(error.messages))]) from error
    except deadlines.MissingTimeLimitRule as error:
        message = _("Chưa có thời hạn theo luật áp dụng cho các ngày của dòng này.")
        raise ImportFailed([RowError(row.line, column, message)]) from error
    except ValidationError as error:
        # From another app's service (the reporter's): its message might quote a value.
        message = _("Không ghi được dòng này (thông tin người gửi đơn không hợp lệ).")
        raise ImportFailed([RowError(row.line, column, message)]) from error


# Through the services, one row at a time (the reference).

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


# What the plan built, in bulk.


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
        self.numbers = _Numbers(rows)
        self.clock = _Clock()
        self.pending: list[_Built] = []

    def add(self, row: ImportRow) -> None:
        """Number the case the plan built for the row and queue it (nothing is written yet)."""
        # The one thing the database may have changed since the plan: a number taken meanwhile.
        with _refusals(row, column="number"):
            number, sequence = self.numbers.take(row.number, row.received_on.year)
        built = row.built.stamped(
            number=number, sequence=sequence, by=self.by, note=_note(row, self.source)
        )
        built.reporters = protection_services.reporters_build(
            case=built.case, reporters=_reporters(row)
        )
        self.pending.append(built)

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
