import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import procedure
from cases.models import Case, CaseEvent
from intake import importing
from intake import services as intake_services
from protection.models import Reporter
from tests.conftest import REPORTER

IDENTITY_MARKERS = (
    REPORTER.full_name,
    REPORTER.id_number,
    REPORTER.phone,
    REPORTER.address,
    REPORTER.email,
    "Marker",
)
ACCEPTED = {"decision": "accepted", "decision_on": "2026-03-05"}


def row(**values) -> dict:
    """A valid denunciation, accepted and still open, from the conftest marker reporter."""
    base = dict.fromkeys(importing.COLUMNS, "")
    base.update(
        kind="denunciation",
        channel="post",
        field="social_network",
        received_on="2026-03-02",
        summary="Tài khoản mạng xã hội đăng tin sai sự thật",
        accused="Chủ tài khoản “Tin nóng”",
        corruption_related="false",
        anonymous="false",
        reporter_name=REPORTER.full_name,
        reporter_id_number=REPORTER.id_number,
        reporter_phone=REPORTER.phone,
        reporter_address=REPORTER.address,
        reporter_email=REPORTER.email,
    )
    base.update(values)
    return base


def anonymous_row(**values) -> dict:
    values.setdefault("anonymous", "true")
    return row(
        reporter_name="",
        reporter_id_number="",
        reporter_phone="",
        reporter_address="",
        reporter_email="",
        **values,
    )


def csv_bytes(rows, *, columns=importing.COLUMNS, bom=False, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows, *, columns=importing.COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for values in rows:
        sheet.append([values.get(name, "") for name in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class Outcome:
    out: str
    err: str
    failure: str  # the CommandError's message; empty when the command succeeded


@pytest.fixture
def run_import(tmp_path):
    """Run `manage.py import_cases` on the given bytes, as an operator would."""

    def run(data: bytes, *args, suffix: str = ".csv") -> Outcome:
        path = tmp_path / f"don{suffix}"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_cases", str(path), *args, stdout=out, stderr=err)
        except CommandError as error:
            return Outcome(out.getvalue(), err.getvalue(), str(error))
        return Outcome(out.getvalue(), err.getvalue(), "")

    return run


# Importing through the procedure -----------------------------------------------------------


def test_command_replays_each_row_through_the_procedure_with_dates_and_due_dates(run_import, db):
    data = csv_bytes(
        [
            row(
                decision="accepted",
                decision_on="2026-03-05",
                extension="complex",
                finding="founded",
                resolved_on="2026-05-10",
            ),
            anonymous_row(
                kind="recommendation",
                channel="online",
                field="press",
                decision="filed",
                decision_on="2026-03-10",
                resolved_on="2026-03-10",
            ),
            row(
                number="KN-07/2026",
                kind="complaint",
                channel="in_person",
                received_on="2026-01-05",
                decision="accepted",
                decision_on="2026-01-12",
            ),
        ]
    )

    outcome = run_import(data)

    assert outcome.failure == ""
    assert "Đã nhập 3 đơn, bỏ qua 0" in outcome.out
    denunciation = Case.objects.get(number="2026-0001")
    assert denunciation.status == Case.Status.CONCLUDED
    assert denunciation.finding == Case.Finding.FOUNDED
    # 7 working days after Mon 02/03/2026
    assert denunciation.handling_due == dt.date(2026, 3, 11)
    # 30 days after Thu 05/03 end on Sat 04/04, moved to Mon 06/04; the complex extension adds
    # 30 days from there: Wed 06/05
    assert denunciation.resolution_due == dt.date(2026, 5, 6)
    assert [(e.kind, e.effective_on) for e in denunciation.events.order_by("id")] == [
        (CaseEvent.Kind.RECEIVED, dt.date(2026, 3, 2)),
        (CaseEvent.Kind.ACCEPTED, dt.date(2026, 3, 5)),
        (CaseEvent.Kind.EXTENDED, dt.date(2026, 3, 5)),
        (CaseEvent.Kind.CONCLUDED, dt.date(2026, 5, 10)),
    ]
    assert "dòng 2" in denunciation.events.first().note

    recommendation = Case.objects.get(number="2026-0002")
    assert recommendation.status == Case.Status.FILED
    assert recommendation.anonymous
    assert not recommendation.reporters.exists()
    # 10 working days after Mon 02/03/2026
    assert recommendation.handling_due == dt.date(2026, 3, 16)

    complaint = Case.objects.get(number="KN-07/2026")
    assert complaint.status == Case.Status.ACCEPTED
    # acceptance within 10 days of Mon 05/01: Thu 15/01; resolution 30 days after Mon 12/01:
    # Wed 11/02
    assert complaint.handling_due == dt.date(2026, 1, 15)
    assert complaint.resolution_due == dt.date(2026, 2, 11)
    assert complaint.next_step == "resolution"


def test_an_especially_complex_denunciation_gets_both_extensions(run_import, db):
    data = csv_bytes(
        [row(decision="accepted", decision_on="2026-03-05", extension="especially_complex")]
    )
    run_import(data)
    case = Case.objects.get()
    assert case.events.filter(kind=CaseEvent.Kind.EXTENDED).count() == 2
    # Mon 06/04 + 30 days = Wed 06/05, + 30 days = Fri 05/06
    assert case.resolution_due == dt.date(2026, 6, 5)


def test_a_complex_complaint_gets_the_longer_limit_of_the_law(run_import, db):
    data = csv_bytes(
        [
            row(
                kind="complaint",
                received_on="2026-01-05",
                decision="accepted",
                decision_on="2026-01-12",
                extension="complex",
            )
        ]
    )
    run_import(data)
    case = Case.objects.get()
    assert case.extension == Case.Extension.COMPLEX
    # 45 days instead of 30 after Mon 12/01: Thu 26/02, after the Tết holidays
    assert case.resolution_due == dt.date(2026, 2, 26)


def test_withdrawn_petition_ends_on_its_withdrawal_date(run_import, db):
    data = csv_bytes(
        [row(decision="accepted", decision_on="2026-03-05", withdrawn_on="20/03/2026")]
    )
    run_import(data)
    case = Case.objects.get()
    assert case.status == Case.Status.WITHDRAWN
    assert case.resolved_on == dt.date(2026, 3, 20)
    assert case.events.filter(kind=CaseEvent.Kind.WITHDRAWN).get().effective_on == dt.date(
        2026, 3, 20
    )


def test_xlsx_imports_the_same_cases_as_csv(run_import, db):
    rows = [
        row(decision="guided", decision_on="2026-03-04", resolved_on="2026-03-04"),
        anonymous_row(kind="feedback", received_on="2026-02-10"),
    ]
    workbook_rows = [
        {**rows[0], "received_on": dt.date(2026, 3, 2), "decision_on": dt.date(2026, 3, 4)},
        {**rows[1], "anonymous": True},
    ]
    run_import(xlsx_bytes(workbook_rows), suffix=".xlsx")
    imported = list(
        Case.objects.order_by("received_on").values_list("kind", "status", "received_on")
    )
    assert imported == [
        ("feedback", "received", dt.date(2026, 2, 10)),
        ("denunciation", "guided", dt.date(2026, 3, 2)),
    ]
    # The same petitions as CSV are recognised as already imported.
    outcome = run_import(csv_bytes(rows))
    assert "bỏ qua 2 đơn" in outcome.out
    assert Case.objects.count() == 2


def test_bom_semicolons_day_first_dates_vietnamese_booleans_and_field_names_are_read(
    run_import, db
):
    data = csv_bytes(
        [
            row(
                received_on="02/03/2026",
                field="Mạng xã hội",
                corruption_related="CÓ",
                anonymous="Không",
                decision="accepted",
                decision_on="5/3/2026",
            )
        ],
        bom=True,
        delimiter=";",
    )
    run_import(data)
    case = Case.objects.get()
    assert case.field.code == "social_network"
    assert case.corruption_related
    assert case.decision_on == dt.date(2026, 3, 5)


def test_reporter_identity_is_encrypted_on_the_way_in(run_import, db):
    run_import(csv_bytes([row()]))
    reporter = Reporter.objects.get()
    assert reporter.full_name == REPORTER.full_name
    assert reporter.email == REPORTER.email
    assert reporter.id_number_index
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT full_name, id_number, phone, address, email FROM {Reporter._meta.db_table}"  # noqa: S608
        )
        stored = " ".join(cursor.fetchone())
    for marker in IDENTITY_MARKERS:
        assert marker not in stored


# Validation: one bad row and nothing is imported -------------------------------------------


def future_day() -> str:
    return (timezone.localdate() + dt.timedelta(days=5)).isoformat()


# Reading (a cell that is not a code, a date, ...) is the importer's; whether a petition may go
# through the steps a row names is the procedure's, and its own message says why not, named by
# the column the refused step comes from.
BAD_ROWS = [
    ("unknown kind", row(kind="khiếu nại"), "kind", "chỉ nhận: complaint, denunciation"),
    ("missing channel", row(channel=""), "channel", "không được để trống"),
    ("unknown field", row(field="Nông nghiệp"), "field", "Không có lĩnh vực này"),
    ("impossible date", row(received_on="2026-13-01"), "received_on", "YYYY-MM-DD hoặc DD/MM"),
    ("date in the future", row(received_on=None), "received_on", "sau ngày hôm nay"),
    ("no summary", row(summary=" "), "summary", "Thiếu tóm tắt"),
    ("summary too long", row(summary="x" * 501), "summary", "Dài quá 500 ký tự"),
    ("not a boolean", row(corruption_related="maybe"), "corruption_related", "có/không"),
    (
        "decision before receipt",
        row(decision="guided", decision_on="2026-03-01", resolved_on="2026-03-01"),
        "decision_on",
        "Ngày có hiệu lực không được trước ngày 02/03/2026",
    ),
    ("decision without its date", row(decision="guided"), "decision_on", "phải có ngày xử lý"),
    ("date without a decision", row(decision_on="2026-03-05"), "decision", "phải ghi hướng xử lý"),
    (
        "finding on a recommendation",
        row(kind="recommendation", finding="founded", resolved_on="2026-04-01", **ACCEPTED),
        "finding",
        "Kiến nghị, phản ánh không có kết luận",
    ),
    (
        "finding without acceptance",
        row(
            decision="guided", decision_on="2026-03-05", resolved_on="2026-03-05", finding="founded"
        ),
        "finding",
        "Không thể thực hiện bước này khi vụ việc đang ở trạng thái “Đã hướng dẫn”",
    ),
    (
        "finding without an end date",
        row(finding="unfounded", **ACCEPTED),
        "resolved_on",
        "phải có ngày kết thúc",
    ),
    (
        "end date of an unfinished petition",
        row(resolved_on="2026-04-01"),
        "resolved_on",
        "Không thể thực hiện bước này khi vụ việc đang ở trạng thái “Chờ xử lý đơn”",
    ),
    (
        "resolved complaint without a finding",
        row(kind="complaint", resolved_on="2026-04-01", **ACCEPTED),
        "finding",
        "Hãy chọn kết luận: đúng, đúng một phần hoặc sai",
    ),
    (
        "end date other than the closing decision's",
        row(decision="returned", decision_on="2026-03-05", resolved_on="2026-03-09"),
        "resolved_on",
        "đơn kết thúc ngày 05/03/2026",
    ),
    (
        "end date before the acceptance",
        row(kind="feedback", resolved_on="2026-03-04", **ACCEPTED),
        "resolved_on",
        "Ngày có hiệu lực không được trước ngày 05/03/2026",
    ),
    (
        "conclusion dated in the future",
        row(kind="feedback", resolved_on=None, **ACCEPTED),
        "resolved_on",
        "Ngày có hiệu lực không được sau ngày hôm nay",
    ),
    (
        "anonymous petition with a reporter",
        row(anonymous="true", reporter_name="", reporter_id_number=""),
        "reporter_phone",
        "Đơn nặc danh không ghi thông tin người gửi",
    ),
    (
        "signed petition without a reporter",
        anonymous_row(anonymous="false"),
        "reporter_name",
        "Hãy nhập ít nhất một người gửi đơn, hoặc đánh dấu đơn nặc danh",
    ),
    ("reporter without a name", row(reporter_name=""), "reporter_name", "Thiếu họ tên"),
    (
        "anonymous petition accepted",
        anonymous_row(**ACCEPTED),
        "decision",
        "không được thụ lý",
    ),
    (
        "forwarded denunciation forwarded again",
        row(channel="forwarded", decision="forwarded", decision_on="2026-03-05"),
        "decision",
        "Đơn tố cáo đã được chuyển một lần thì không chuyển tiếp",
    ),
    (
        "extension of a recommendation",
        row(kind="recommendation", extension="complex", **ACCEPTED),
        "extension",
        "Chỉ gia hạn giải quyết khiếu nại, tố cáo",
    ),
    (
        "extension before acceptance",
        row(extension="complex"),
        "extension",
        "Không thể thực hiện bước này khi vụ việc đang ở trạng thái “Chờ xử lý đơn”",
    ),
    (
        "especially complex complaint",
        row(kind="complaint", extension="especially_complex", **ACCEPTED),
        "extension",
        "Luật Khiếu nại không có mức “đặc biệt phức tạp”",
    ),
    (
        "withdrawal after the petition was returned",
        row(decision="returned", decision_on="2026-03-05", withdrawn_on="2026-03-10"),
        "withdrawn_on",
        "Không thể thực hiện bước này khi vụ việc đang ở trạng thái “Đã trả lại đơn”",
    ),
    (
        "withdrawal before receipt",
        row(withdrawn_on="2026-02-27"),
        "withdrawn_on",
        "Ngày có hiệu lực không được trước ngày 02/03/2026",
    ),
    (
        "end date other than the withdrawal's",
        row(withdrawn_on="2026-03-10", resolved_on="2026-03-12", **ACCEPTED),
        "resolved_on",
        "đơn kết thúc ngày 10/03/2026",
    ),
    (
        "finding on a withdrawn petition",
        row(withdrawn_on="2026-03-10", finding="founded", resolved_on="2026-03-10", **ACCEPTED),
        "finding",
        "Không thể thực hiện bước này khi vụ việc đang ở trạng thái “Đã rút”",
    ),
    (
        "ID number of the wrong length",
        row(reporter_id_number="12345"),
        "reporter_id_number",
        "12 chữ số",
    ),
    (
        "phone of the wrong length",
        row(reporter_phone="0912 34"),
        "reporter_phone",
        "Số điện thoại không hợp lệ",
    ),
    ("malformed e-mail", row(reporter_email="marker-at-example"), "reporter_email", "không hợp lệ"),
    (
        "date before any time-limit rule",
        row(received_on="2018-06-01"),
        "received_on",
        "Chưa có thời hạn theo luật",
    ),
]


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [pytest.param(bad, column, reason, id=name) for name, bad, column, reason in BAD_ROWS],
)
def test_a_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_imported(
    run_import, db, bad, column, reason
):
    # A day after the pinned "today", computed under the pinned clock.
    bad = {name: future_day() if value is None else value for name, value in bad.items()}
    outcome = run_import(csv_bytes([row(summary="Dòng hợp lệ đứng trước"), bad]))
    assert f"Dòng 3, cột {column}: " in outcome.err
    assert reason in outcome.err
    assert "chưa nhập dòng nào" in outcome.failure
    assert Case.objects.count() == 0
    assert Reporter.objects.count() == 0


def refusal(step, case: Case, **arguments) -> str:
    """The message the procedure itself gives when it refuses `step` on `case`."""
    with pytest.raises(procedure.ProcedureError) as refused:
        step(case, procedure.Context(), **arguments)
    return "; ".join(refused.value.messages)


def test_a_row_the_procedure_refuses_is_named_by_line_and_column_with_its_message(run_import, db):
    rows = [
        row(summary="Dòng hợp lệ"),
        anonymous_row(summary="Đơn nặc danh được thụ lý", **ACCEPTED),
        row(
            kind="recommendation",
            summary="Kiến nghị có kết luận đúng, sai",
            finding="founded",
            resolved_on="2026-04-01",
            **ACCEPTED,
        ),
    ]
    received, accepted = dt.date(2026, 3, 2), dt.date(2026, 3, 5)
    anonymous_case = Case(kind="denunciation", anonymous=True, received_on=received)
    recommendation = Case(
        kind="recommendation",
        status=Case.Status.ACCEPTED,
        received_on=received,
        accepted_on=accepted,
    )

    outcome = run_import(csv_bytes(rows))

    assert outcome.err.splitlines() == [
        "Dòng 3, cột decision: "
        + refusal(procedure.decide, anonymous_case, decision="accepted", on=accepted),
        "Dòng 4, cột finding: "
        + refusal(procedure.conclude, recommendation, finding="founded", on=dt.date(2026, 4, 1)),
    ]
    assert "Đơn nặc danh không được thụ lý" in outcome.err
    assert "Kiến nghị, phản ánh không có kết luận đúng, sai." in outcome.err
    assert "Tệp có 2 lỗi; chưa nhập dòng nào." in outcome.failure
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert Reporter.objects.count() == 0


def test_the_plan_takes_each_row_through_the_procedure_and_the_writing_does_not_again(
    db, monkeypatch
):
    plan = importing.plan_import(
        csv_bytes([row(finding="founded", resolved_on="2026-04-01", **ACCEPTED)])
    )
    assert plan.rows[0].outcome == Case.Status.CONCLUDED

    def refuse(*args, **kwargs):
        raise AssertionError("the procedure ran a second time")

    monkeypatch.setattr(procedure, "receive", refuse)
    monkeypatch.setattr(intake_services, "petition_check", refuse)
    monkeypatch.setitem(importing.PROCEDURE_STEPS, "decide", refuse)
    monkeypatch.setitem(importing.PROCEDURE_STEPS, "conclude", refuse)
    importing.run_import(plan, source="don.csv")

    case = Case.objects.get()
    assert (case.number, case.status) == ("2026-0001", Case.Status.CONCLUDED)
    assert [event.note for event in case.events.order_by("id")] == [
        "Nhập từ tệp dữ liệu don.csv, dòng 2."
    ] * 3


def test_every_bad_row_is_listed_and_the_good_ones_wait(run_import, db):
    rows = [row(), row(kind="x", summary="b"), row(summary="c"), row(received_on="32/01/2026")]
    outcome = run_import(csv_bytes(rows))
    assert outcome.err.splitlines() == [
        "Dòng 3, cột kind: Giá trị không hợp lệ; chỉ nhận: complaint, denunciation, "
        "recommendation, feedback.",
        "Dòng 5, cột received_on: Ngày không hợp lệ; ghi YYYY-MM-DD hoặc DD/MM/YYYY.",
    ]
    assert "Tệp có 2 lỗi" in outcome.failure
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("columns", "column", "reason"),
    [
        pytest.param(
            (*importing.COLUMNS, "ghi_chu"), "ghi_chu", "Cột không có trong", id="unknown"
        ),
        pytest.param(
            tuple(c for c in importing.COLUMNS if c != "summary"),
            "summary",
            "Thiếu cột bắt buộc",
            id="missing",
        ),
        pytest.param(
            (*importing.COLUMNS, "status"), "status", "Cột do hệ thống tự tính", id="computed"
        ),
        pytest.param((*importing.COLUMNS, "kind"), "kind", "Cột bị lặp lại", id="repeated"),
    ],
)
def test_header_problems_are_reported_on_line_one(run_import, db, columns, column, reason):
    data = csv_bytes([row(status="x", ghi_chu="x")], columns=columns)
    outcome = run_import(data)
    assert f"Dòng 1, cột {column}: {reason}" in outcome.err
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "suffix", "reason"),
    [
        pytest.param(b"", ".csv", "Tệp trống", id="empty"),
        pytest.param(
            ",".join(importing.COLUMNS).encode(), ".csv", "không có dòng dữ liệu", id="header-only"
        ),
        pytest.param("kind,tóm tắt\n".encode("utf-16"), ".csv", "UTF-8", id="not-utf8"),
        pytest.param(
            b"PK\x03\x04 not really a workbook", ".xlsx", "XLSX bị hỏng", id="broken-xlsx"
        ),
        pytest.param(b"\xd0\xcf\x11\xe0 old excel", ".xls", "97-2003", id="xls"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(run_import, db, data, suffix, reason):
    outcome = run_import(data, suffix=suffix)
    assert outcome.err.startswith("Tệp: ")
    assert reason in outcome.err
    assert outcome.failure


def test_a_number_or_a_petition_twice_in_one_file_is_an_error(run_import, db):
    rows = [
        row(number="TC-1", summary="Một"),
        row(number="TC-1", summary="Hai"),
        row(summary="Ba"),
        row(summary="Ba"),
    ]
    outcome = run_import(csv_bytes(rows))
    assert "Dòng 3, cột number: Số đơn trùng với dòng 2." in outcome.err
    assert "Dòng 5: Cùng một đơn với dòng 4" in outcome.err
    assert Case.objects.count() == 0


def test_a_number_another_petition_holds_is_an_error(run_import, make_case):
    existing = make_case(received_on=dt.date(2026, 1, 5))
    outcome = run_import(csv_bytes([row(number=existing.number)]))
    assert "Dòng 2, cột number: Số đơn này đã được dùng cho một đơn khác" in outcome.err
    assert Case.objects.count() == 1


def test_error_messages_and_logs_never_repeat_identity_cells(run_import, db, caplog):
    caplog.set_level(logging.DEBUG)
    rows = [
        # Columns shifted by one: identity lands in columns that are checked and reported.
        row(received_on=REPORTER.full_name, kind=REPORTER.phone, field=REPORTER.address),
        row(reporter_email=f"{REPORTER.full_name} at example", reporter_id_number="Marker 1"),
        row(anonymous="true"),
    ]
    outcome = run_import(csv_bytes(rows))
    assert outcome.failure
    everything = outcome.out + outcome.err + outcome.failure + caplog.text
    assert "Dòng 3, cột reporter_email" in everything
    for marker in IDENTITY_MARKERS:
        assert marker not in everything


# Idempotency, dry run, progress -------------------------------------------------------------


def test_importing_the_same_file_twice_creates_no_duplicates(run_import, db):
    data = csv_bytes(
        [
            row(**ACCEPTED),
            row(number="TC-2026/9", summary="Có số sẵn"),
            anonymous_row(kind="feedback", summary="Phản ánh"),
        ]
    )
    first = run_import(data)
    events = CaseEvent.objects.count()

    second = run_import(data)

    assert "3 đơn mới" in first.out
    assert "0 đơn mới, 3 đơn đã nhập trước đó (bỏ qua)" in second.out
    assert "Đã nhập 0 đơn, bỏ qua 3 đơn" in second.out
    assert Case.objects.count() == 3
    assert CaseEvent.objects.count() == events
    assert Reporter.objects.count() == 2


def test_a_petition_already_imported_is_skipped_even_after_its_progress_changed(run_import, db):
    run_import(csv_bytes([row()]))
    outcome = run_import(csv_bytes([row(decision="guided", decision_on="2026-03-04")]))
    assert "bỏ qua 1 đơn" in outcome.out
    assert Case.objects.get().status == Case.Status.RECEIVED


def test_dry_run_checks_everything_and_writes_nothing(run_import, db):
    outcome = run_import(csv_bytes([row(), anonymous_row(summary="Khác")]), "--dry-run")
    assert "2 đơn mới" in outcome.out
    assert "Chạy thử" in outcome.out
    assert Case.objects.count() == 0
    assert Reporter.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_dry_run_still_reports_bad_rows(run_import, db):
    outcome = run_import(csv_bytes([row(kind="")]), "--dry-run")
    assert "Dòng 2, cột kind" in outcome.err
    assert outcome.failure


def test_command_prints_progress_and_records_the_operator(run_import, head):
    rows = [row(summary=f"Đơn {index}") for index in range(3)]
    outcome = run_import(csv_bytes(rows), "--user", head.username)
    assert "đã nhập 3/3 đơn" in outcome.out
    assert set(Case.objects.values_list("registered_by", flat=True)) == {head.pk}
    assert set(CaseEvent.objects.values_list("actor", flat=True)) == {head.pk}


# The upload page --------------------------------------------------------------------------


def upload(client, data: bytes, name: str = "don.csv"):
    return client.post(
        reverse("intake:import"), {"action": "preview", "file": SimpleUploadedFile(name, data)}
    )


def test_head_previews_an_upload_then_confirms_it(client, head):
    client.force_login(head)
    data = csv_bytes([row(**ACCEPTED), anonymous_row(kind="feedback", summary="Phản ánh")])

    preview = upload(client, data)

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "2 đơn sẽ được nhập" in page
    assert "Xác nhận nhập 2 đơn" in page
    for marker in IDENTITY_MARKERS:
        assert marker not in page
    assert Case.objects.count() == 0

    done = client.post(reverse("intake:import"), {"action": "confirm"}, follow=True)

    assert "Đã nhập 2 đơn; bỏ qua 0 đơn đã nhập trước đó." in done.content.decode()
    assert Case.objects.count() == 2
    assert set(Case.objects.values_list("registered_by", flat=True)) == {head.pk}
    assert Reporter.objects.get().full_name == REPORTER.full_name


def test_an_xlsx_upload_is_previewed_like_a_csv(client, head):
    client.force_login(head)
    preview = upload(client, xlsx_bytes([row()]), name="don.xlsx")
    assert "1 đơn sẽ được nhập" in preview.content.decode()


def test_only_holders_of_the_import_permission_may_import(client, head, intake_officer, outsider):
    data = csv_bytes([row()])
    for user, status in ((head, 200), (intake_officer, 403), (outsider, 403)):
        client.force_login(user)
        assert client.get(reverse("intake:import")).status_code == status
        assert upload(client, data).status_code == status
        client.logout()
    response = client.get(reverse("intake:import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Case.objects.count() == 0


def test_the_import_button_is_on_the_case_list_of_importers_only(client, head, intake_officer):
    import_url = reverse("intake:import")
    client.force_login(head)
    assert import_url in client.get(reverse("cases:list")).content.decode()
    client.force_login(intake_officer)
    assert import_url not in client.get(reverse("cases:list")).content.decode()


def test_an_upload_with_bad_rows_lists_them_without_their_content(client, head):
    client.force_login(head)
    data = csv_bytes([row(), row(reporter_email=f"{REPORTER.full_name} at example")])
    response = upload(client, data)
    page = response.content.decode()
    assert "Tệp có 1 lỗi, chưa nhập dòng nào" in page
    assert "<code>reporter_email</code>" in page
    assert "Thư điện tử không hợp lệ." in page
    for marker in IDENTITY_MARKERS:
        assert marker not in page
    assert "Xác nhận nhập" not in page
    assert Case.objects.count() == 0


def test_upload_without_a_file_asks_for_one(client, head):
    client.force_login(head)
    response = client.post(reverse("intake:import"), {"action": "preview"})
    assert "Trường này là bắt buộc." in response.content.decode()
    assert "Xác nhận nhập" not in response.content.decode()


def test_the_file_waiting_for_confirmation_is_encrypted(client, head):
    client.force_login(head)
    upload(client, csv_bytes([row()]))
    holding = SessionStore(session_key=client.session["pending_import"])
    token = holding["file"]
    assert token.startswith("gAAAAA")  # a Fernet token
    for marker in IDENTITY_MARKERS:
        assert marker not in token


def test_cancel_discards_the_waiting_file(client, head):
    client.force_login(head)
    upload(client, csv_bytes([row()]))
    key = client.session["pending_import"]
    client.post(reverse("intake:import"), {"action": "cancel"})

    response = client.post(reverse("intake:import"), {"action": "confirm"}, follow=True)

    assert "Không còn tệp chờ xác nhận" in response.content.decode()
    assert not SessionStore().exists(key)
    assert Case.objects.count() == 0


def test_another_user_cannot_confirm_someone_elses_upload(client, head, make_user):
    from accounts import roles

    other_head = make_user("thanh", roles.HEAD)
    client.force_login(head)
    upload(client, csv_bytes([row()]))
    key = client.session["pending_import"]
    client.force_login(other_head)
    session = client.session
    session["pending_import"] = key
    session.save()

    client.post(reverse("intake:import"), {"action": "confirm"})

    assert Case.objects.count() == 0


def test_confirmation_checks_the_file_again(client, head, run_import):
    client.force_login(head)
    data = csv_bytes([row(), anonymous_row(summary="Khác")])
    upload(client, data)
    run_import(csv_bytes([row()]))  # someone imports one of the rows meanwhile

    response = client.post(reverse("intake:import"), {"action": "confirm"}, follow=True)

    assert "Đã nhập 1 đơn; bỏ qua 1 đơn đã nhập trước đó." in response.content.decode()
    assert Case.objects.count() == 2


def test_the_template_file_is_the_header_row(client, head):
    client.force_login(head)
    response = client.get(reverse("intake:import_template"))
    assert response.content.decode("utf-8-sig").strip() == ",".join(importing.COLUMNS)


def test_a_step_the_procedure_refuses_mid_import_rolls_back_every_row(make_case):
    plan = importing.plan_import(
        csv_bytes([row(summary="Đơn một"), row(number="TC-5/2026", summary="Đơn hai")])
    )
    # Someone registers a petition under the same number between the check and the import.
    make_case(number="TC-5/2026", summary="Vào sổ bằng tay trong lúc đó")

    with pytest.raises(importing.ImportFailed) as failed:
        importing.run_import(plan)

    assert [str(error) for error in failed.value.errors] == [
        "Dòng 3, cột number: Số đơn TC-5/2026 đã tồn tại."
    ]
    assert Case.objects.count() == 1


def test_a_number_handed_out_earlier_in_the_file_is_refused_on_the_row_that_gives_it(db):
    plan = importing.plan_import(
        csv_bytes([row(summary="Được cấp số 2026-0001"), row(number="2026-0001", summary="Hai")])
    )

    with pytest.raises(importing.ImportFailed) as failed:
        importing.run_import(plan)

    assert [str(error) for error in failed.value.errors] == [
        "Dòng 3, cột number: Số đơn 2026-0001 đã tồn tại."
    ]
    assert Case.objects.count() == 0


def test_the_import_writes_in_bulk_rather_than_row_by_row(db, head):
    rows = [
        row(summary=f"Đơn {index}", finding="founded", resolved_on="2026-04-01", **ACCEPTED)
        for index in range(100)
    ]
    plan = importing.plan_import(csv_bytes(rows))

    with CaptureQueriesContext(connection) as queries:
        importing.run_import(plan, by=head)

    # Replayed through the services, each of these rows cost about 34 queries. In bulk: the year's
    # counter (locked, created), the numbers taken, the rules, the calendar, then one insert
    # each of cases, events, case history, reporters, reporter history, report facts (SQLite
    # splits an insert every 999 parameters) and the facts' two reads.
    assert len(queries) < len(rows)
    assert Case.objects.filter(status=Case.Status.CONCLUDED).count() == 100
    assert CaseEvent.objects.count() == 300


def test_rows_imported_before_a_blind_index_key_rotation_are_still_recognised(
    run_import, db, settings
):
    data = csv_bytes([row()])
    run_import(data)
    settings.OLD_BLIND_INDEX_KEY = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY = "a-new-blind-index-key-for-this-test-0123456789"

    outcome = run_import(data)

    assert "bỏ qua 1 đơn" in outcome.out
    assert Case.objects.count() == 1


def test_a_number_a_spreadsheet_would_run_as_a_formula_is_refused(run_import, db):
    outcome = run_import(csv_bytes([row(number="=1+1"), row(number="12/TCD-2026", summary="b")]))
    assert outcome.err.splitlines() == [
        "Dòng 2, cột number: Số đơn chỉ gồm chữ, số và các dấu / - . _ ở giữa (ví dụ: "
        "2026-0042, 12/TCD-2026)."
    ]
    assert Case.objects.count() == 0
