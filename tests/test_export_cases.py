import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseCounter, CaseEvent
from protection.models import Reporter
from tests.test_import_cases import ACCEPTED, IDENTITY_MARKERS, anonymous_row, csv_bytes, row

COLUMNS = [
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
]


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_cases", *args, stdout=out)
    return out.getvalue()


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def accepted_case(make_case, head, verifier):
    """A denunciation received Mon 02/03/2026, accepted Thu 05/03, assigned to the verifier."""
    case = make_case(received_on=dt.date(2026, 3, 2))
    services.case_decide(
        case=case, by=head, decision=Case.Decision.ACCEPTED, on=dt.date(2026, 3, 5)
    )
    services.case_assign(case=case, user=verifier, by=head, on=dt.date(2026, 3, 6), is_lead=True)
    case.refresh_from_db()
    return case


# The command ------------------------------------------------------------------------------


def test_csv_export_has_the_columns_in_order_with_codes_and_iso_dates(accepted_case, verifier):
    text = export("--format", "csv")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    (line,) = csv_rows(text)
    assert line == {
        "number": accepted_case.number,
        "kind": "denunciation",
        "channel": "post",
        "field": "social_network",
        "received_on": "2026-03-02",
        "status": "verifying",
        "decision": "accepted",
        "handling_due": "2026-03-11",
        "decision_on": "2026-03-05",
        # 30 days after Thu 05/03 end on Sat 04/04: Mon 06/04
        "resolution_due": "2026-04-06",
        "resolved_on": "",
        "finding": "",
        # the reporter was never notified: that step fell due on Thu 12/03, long past
        "overdue": "true",
        "assignees": verifier.username,
    }


def test_json_export_is_a_list_of_objects_with_the_same_keys(accepted_case):
    items = json.loads(export("--format", "json"))
    assert isinstance(items, list)
    assert list(items[0]) == COLUMNS
    assert items[0]["received_on"] == "2026-03-02"
    assert items[0]["finding"] is None
    assert items[0]["overdue"] is True


def test_xlsx_export_has_a_frozen_header_row_and_readable_widths(accepted_case, tmp_path):
    path = tmp_path / "vu-viec.xlsx"
    export("--format", "xlsx", "--output", str(path))
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 12
    assert sheet.column_dimensions["N"].width >= 20
    received = sheet.cell(row=2, column=5)
    assert received.value.date() == dt.date(2026, 3, 2)
    assert received.number_format == "yyyy-mm-dd"


def test_start_and_end_keep_cases_received_in_the_range_both_days_included(make_case):
    for day in (1, 2, 3, 4):
        make_case(received_on=dt.date(2026, 3, day), summary=f"Đơn ngày {day}")
    text = export("--format", "csv", "--start", "2026-03-02", "--end", "03/03/2026")
    assert [line["received_on"] for line in csv_rows(text)] == ["2026-03-02", "2026-03-03"]


def test_output_file_gets_a_bom_for_excel_and_stdout_does_not(accepted_case, tmp_path):
    path = tmp_path / "vu-viec.csv"
    export("--format", "csv", "--output", str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbfnumber,")
    assert export("--format", "csv").startswith("number,")


def test_overdue_marks_only_open_cases_past_their_next_due_date(make_case, head):
    today = timezone.localdate()
    late = make_case(received_on=today - dt.timedelta(days=40), summary="Quá hạn")
    fresh = make_case(received_on=today, summary="Mới nhận")
    done = make_case(received_on=today - dt.timedelta(days=40), summary="Đã xử lý")
    services.case_decide(case=done, by=head, decision=Case.Decision.GUIDED, on=today)
    overdue = {line["number"]: line["overdue"] for line in csv_rows(export("--format", "csv"))}
    assert overdue == {late.number: "true", fresh.number: "false", done.number: "false"}


def test_assignees_are_usernames_lead_first_joined_by_semicolons(
    accepted_case, head, other_verifier, verifier
):
    services.case_assign(case=accepted_case, user=other_verifier, by=head, on=dt.date(2026, 3, 7))
    (line,) = csv_rows(export("--format", "csv"))
    assert line["assignees"] == f"{verifier.username};{other_verifier.username}"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_no_export_carries_reporter_identity(accepted_case, client, head, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    export("--format", fmt, "--output", str(path))
    client.force_login(head)
    response = client.get(reverse("cases:export"), {"format": fmt})
    for content in (path.read_bytes(), body(response)):
        text = _readable(content, fmt)
        assert accepted_case.number in text
        for marker in IDENTITY_MARKERS:
            assert marker not in text


def _readable(content: bytes, fmt: str) -> str:
    if fmt != "xlsx":
        return content.decode("utf-8")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return "\n".join(str(cell) for line in sheet.iter_rows(values_only=True) for cell in line)


# The screen -------------------------------------------------------------------------------


def test_export_from_the_list_needs_the_export_permission(
    client, accepted_case, head, auditor, outsider
):
    for user, status in ((head, 200), (auditor, 403), (outsider, 403)):
        client.force_login(user)
        assert client.get(reverse("cases:export"), {"format": "csv"}).status_code == status
    client.logout()
    assert client.get(reverse("cases:export")).status_code == 302


def test_verifier_exports_only_the_cases_assigned_to_them(
    client, accepted_case, make_case, verifier, other_verifier, outsider
):
    make_case(summary="Chưa giao cho ai")
    exported = {}
    for user in (verifier, other_verifier):
        client.force_login(user)
        response = client.get(reverse("cases:export"), {"format": "csv"})
        exported[user.username] = [line["number"] for line in csv_rows(body(response).decode())]
    assert exported == {verifier.username: [accepted_case.number], other_verifier.username: []}
    client.force_login(outsider)
    assert client.get(reverse("cases:export"), {"format": "csv"}).status_code == 403


def test_export_keeps_the_filters_of_the_list(client, head, make_case):
    make_case(kind=Case.Kind.COMPLAINT, summary="Khiếu nại")
    make_case(kind=Case.Kind.DENUNCIATION, summary="Tố cáo")
    client.force_login(head)
    response = client.get(reverse("cases:export"), {"kind": "complaint", "format": "json"})
    assert [item["kind"] for item in json.loads(body(response))] == ["complaint"]
    assert response["Content-Disposition"].startswith('attachment; filename="vu-viec-')


def test_the_list_offers_exports_with_its_current_filters(client, head):
    client.force_login(head)
    page = client.get(reverse("cases:list"), {"kind": "complaint"}).content.decode()
    assert f"{reverse('cases:export')}?kind=complaint&amp;format=xlsx" in page


def test_an_unknown_format_is_refused(client, head):
    client.force_login(head)
    assert client.get(reverse("cases:export"), {"format": "pdf"}).status_code == 400


def test_export_view_queries_do_not_grow_with_the_number_of_cases(
    client, make_case, head, verifier, django_assert_num_queries
):
    def build(count):
        for _ in range(count):
            case = make_case()
            services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
            services.case_assign(case=case, user=verifier, by=head)

    build(2)
    client.force_login(head)
    url = reverse("cases:export")
    body(client.get(url, {"format": "csv"}))  # warm the content-type cache
    # session, user, user permissions, group permissions, the cases (one chunk), their
    # assignments with users
    with django_assert_num_queries(6):
        assert len(csv_rows(body(client.get(url, {"format": "csv"})).decode())) == 2
    build(4)
    with django_assert_num_queries(6):
        assert len(csv_rows(body(client.get(url, {"format": "csv"})).decode())) == 6


# Round trip -------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_gives_the_same_export(tmp_path, db):
    """The import file carries what the export leaves out (summary, reporters, extension);
    what both have in common goes out and back in unchanged, and everything derived from it
    (status, due dates, overdue) comes out the same."""
    source = [
        row(**ACCEPTED, extension="complex", finding="partly_founded", resolved_on="2026-05-04"),
        row(kind="complaint", received_on="2026-01-05", summary="Khiếu nại", **ACCEPTED),
        row(kind="denunciation", summary="Rút", withdrawn_on="2026-03-20", **ACCEPTED),
        row(summary="Chuyển", decision="forwarded", decision_on="2026-03-04"),
        anonymous_row(kind="feedback", summary="Lưu", decision="filed", decision_on="2026-03-03"),
        anonymous_row(kind="recommendation", summary="Mới nhận", received_on="2026-11-02"),
        row(
            number="KN-9/2026",
            kind="recommendation",
            summary="Xong",
            resolved_on="2026-04-01",
            **ACCEPTED,
        ),
    ]
    first_file = tmp_path / "lan-1.csv"
    first_file.write_bytes(csv_bytes(source))
    call_command("import_cases", str(first_file), stdout=io.StringIO())
    first_export = export("--format", "csv")
    first_rows = csv_rows(first_export)
    assert len(first_rows) == len(source)

    # What the export leaves out (summary, reporters, extension) comes from the source row of
    # the same petition; the rest is read back from the export itself.
    source_by_summary = {item["summary"]: item for item in source}
    summaries = dict(Case.objects.values_list("number", "summary"))
    second = [
        {**source_by_summary[summaries[line["number"]]], **_shared(line)} for line in first_rows
    ]

    # An empty database: no case, no number handed out yet.
    Case.objects.all().delete()
    CaseCounter.objects.all().delete()
    assert not Reporter.objects.exists() and not CaseEvent.objects.exists()

    second_file = tmp_path / "lan-2.csv"
    second_file.write_bytes(csv_bytes(second))
    call_command("import_cases", str(second_file), stdout=io.StringIO())

    assert export("--format", "csv") == first_export


def _shared(exported: dict) -> dict:
    """The exported values that are also import columns."""
    names = (
        "number",
        "kind",
        "channel",
        "field",
        "received_on",
        "decision",
        "decision_on",
        "finding",
        "resolved_on",
    )
    return {name: exported[name] for name in names}
