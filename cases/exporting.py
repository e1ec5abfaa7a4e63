"""Export cases as CSV, XLSX or JSON: the same columns, in the same order, in every format.

Never any reporter identity: the rows are built from the case table alone (reporters live in
`protection` and are not even joined). Cases are read in chunks with their assignees prefetched
per chunk, so a large export holds one chunk in memory and runs a fixed number of queries per
chunk, not per case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cases import selectors
from cases.models import Assignment, Case

COLUMNS = (
    "number",
    "kind",
    "channel",
    "field",
    "received_on",
    "status",
    "decision",
    "handling_due",
    "decision_on",
    "resolution_due",
    "resolved_on",
    "finding",
    "overdue",
    "assignees",
)
DATE_COLUMNS = frozenset(
    {"received_on", "handling_due", "decision_on", "resolution_due", "resolved_on"}
)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
ASSIGNEE_SEPARATOR = ";"
CHUNK_SIZE = 2000
# Column widths of the XLSX sheet, in characters.
XLSX_WIDTHS = {
    "number": 14,
    "kind": 16,
    "channel": 12,
    "field": 16,
    "status": 12,
    "decision": 11,
    "finding": 15,
    "overdue": 9,
    "assignees": 30,
}
DATE_WIDTH = 14


def export_queryset(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Only the columns the export needs, oldest first, assignees prefetched (lead first)."""
    # Whatever the caller joined or prefetched for its own screen is replaced by what the
    # export reads.
    return (
        cases.select_related(None)
        .prefetch_related(None)
        .select_related("field")
        .only(
            "number",
            "kind",
            "channel",
            "field__code",
            "received_on",
            "status",
            "decision",
            "handling_due",
            "decision_on",
            "resolution_due",
            "resolved_on",
            "finding",
            "next_due",
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("user")
                .only("case_id", "is_lead", "user__username")
                .order_by("-is_lead", "id"),
            )
        )
        .order_by("received_on", "id")
    )


def case_rows(cases: QuerySet[Case], *, today: dt.date | None = None) -> Iterator[dict]:
    """One dict per case with the export's keys, values as Python objects (dates, bools)."""
    today = today or timezone.localdate()
    for case in export_queryset(cases).iterator(chunk_size=CHUNK_SIZE):
        yield {
            "number": case.number,
            "kind": case.kind,
            "channel": case.channel,
            "field": case.field.code,
            "received_on": case.received_on,
            "status": case.status,
            "decision": case.decision or None,
            "handling_due": case.handling_due,
            "decision_on": case.decision_on,
            "resolution_due": case.resolution_due,
            "resolved_on": case.resolved_on,
            "finding": case.finding or None,
            # The same rule as the list's red marker: an open case past its next due date.
            "overdue": selectors.deadline_state(case, today, today) == "overdue",
            "assignees": ASSIGNEE_SEPARATOR.join(
                assignment.user.username for assignment in case.assignments.all()
            ),
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Line:
    """A file-like object that hands back what csv.writer writes, so each row can be yielded."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[dict], *, bom: bool = True) -> Iterator[str]:
    """The CSV, a line at a time. The BOM makes Excel read the file as UTF-8."""
    writer = csv.writer(_Line())
    yield ("\ufeff" if bom else "") + writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([_text(row[name]) for name in COLUMNS])


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON list of objects, an object at a time; absent values are null, dates ISO strings."""
    yield "["
    separator = "\n"
    for row in rows:
        item = {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in row.items()
        }
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def write_xlsx(rows: Iterable[dict], target: BinaryIO) -> None:
    """The XLSX, written row by row (openpyxl's write-only mode keeps no rows in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cases")
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        width = DATE_WIDTH if name in DATE_COLUMNS else XLSX_WIDTHS[name]
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF1F5")
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cell.fill = fill
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for name in COLUMNS:
            value = row[name]
            if name in DATE_COLUMNS and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append("" if value is None else value)
        sheet.append(cells)
    workbook.save(target)


def xlsx_bytes(rows: Iterable[dict]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer)
    return buffer.getvalue()


def filename(fmt: str, *, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"vu-viec-{today.isoformat()}.{fmt}"
