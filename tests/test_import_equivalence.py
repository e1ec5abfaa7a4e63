"""The bulk import writes exactly what replaying every row through the services writes.

The import takes each row through `cases.procedure` in memory and writes the results in bulk;
the services take the same steps one at a time with their own saves, events, history and
report-fact receivers. This test is what keeps the two from drifting apart: one file covering
every kind and outcome is imported both ways into an empty database, and every row either
path leaves behind must be the same, apart from primary keys and wall-clock timestamps.
"""

import csv
import datetime as dt
import io

import pytest

from cases import deadlines, procedure
from cases.calendar import WorkingCalendar
from cases.models import Case, CaseCounter, CaseEvent
from intake import importing
from protection.models import Reporter
from reports.models import CaseFact

SOURCE = "tuong-duong.csv"


def row(**values) -> dict:
    base = dict.fromkeys(importing.COLUMNS, "")
    base.update(
        kind="denunciation",
        channel="post",
        field="social_network",
        received_on="2026-03-02",
        summary="Tài khoản mạng xã hội đăng tin sai sự thật",
        accused="Chủ tài khoản “Tin nóng”",
        reporter_name="Võ Thị Tương Đương",
        reporter_id_number="096123456789",
        reporter_phone="0912 345 678",
        reporter_address="Số 12 đường Lý Thường Kiệt, Cà Mau",
    )
    base.update(values)
    return base


def anonymous(**values) -> dict:
    identity = dict.fromkeys(importing.IDENTITY_COLUMNS, "")
    return row(anonymous="true", **identity, **values)


def accepted(on: str, **values) -> dict:
    return row(decision="accepted", decision_on=on, **values)


def closed(decision: str, on: str, **values) -> dict:
    return row(decision=decision, decision_on=on, resolved_on=on, **values)


# Every kind and outcome the file can say, several years, numbered and unnumbered rows (one
# numbered the way the system numbers, in the middle of the unnumbered ones of its year).
ROWS = [
    row(summary="Mới nhận, chưa xử lý"),
    accepted(
        "2026-03-05",
        summary="Tố cáo đúng",
        finding="founded",
        resolved_on="2026-04-20",
        reporter_email="nguoi.to.cao@example.vn",
        corruption_related="có",
    ),
    row(
        number="2026-0003",
        kind="complaint",
        channel="in_person",
        received_on="2026-01-05",
        summary="Khiếu nại đúng một phần, có số sẵn theo mẫu của hệ thống",
        decision="accepted",
        decision_on="2026-01-12",
        finding="partly_founded",
        resolved_on="2026-02-10",
    ),
    accepted("2026-03-06", summary="Tố cáo sai", finding="unfounded", resolved_on="2026-04-01"),
    accepted("2026-03-05", summary="Tố cáo phức tạp, đang giải quyết", extension="complex"),
    accepted(
        "2026-03-05",
        summary="Tố cáo đặc biệt phức tạp, đã kết luận",
        extension="especially_complex",
        finding="founded",
        resolved_on="2026-06-01",
    ),
    row(
        kind="complaint",
        received_on="2026-01-05",
        summary="Khiếu nại phức tạp",
        decision="accepted",
        decision_on="2026-01-12",
        extension="complex",
        finding="unfounded",
        resolved_on="2026-02-20",
    ),
    closed("forwarded", "2026-03-04", summary="Tố cáo chuyển đơn"),
    closed("forwarded", "2026-03-04", kind="complaint", summary="Khiếu nại chuyển đơn"),
    closed("guided", "2026-03-03", kind="complaint", summary="Hướng dẫn"),
    closed("returned", "2026-03-05", kind="recommendation", summary="Trả lại đơn"),
    closed("filed", "2026-03-09", kind="feedback", channel="hotline", summary="Lưu đơn"),
    row(decision="urged", decision_on="2026-03-10", summary="Đã đôn đốc"),
    accepted("2026-03-05", summary="Rút sau khi thụ lý", withdrawn_on="2026-03-20"),
    row(summary="Rút trước khi xử lý", withdrawn_on="2026-03-04", resolved_on="2026-03-04"),
    anonymous(
        kind="feedback",
        channel="online",
        field="press",
        summary="Phản ánh nặc danh, đã lưu",
        decision="filed",
        decision_on="2026-03-10",
        resolved_on="2026-03-10",
    ),
    anonymous(kind="denunciation", channel="email", summary="Tố cáo nặc danh chưa xử lý"),
    accepted(
        "2026-03-09",
        kind="recommendation",
        channel="forwarded",
        summary="Kiến nghị đã trả lời",
        resolved_on="2026-04-15",
    ),
    accepted("2026-03-09", kind="feedback", summary="Phản ánh đang giải quyết"),
    row(
        number="KN-07/2025",
        kind="complaint",
        received_on="2025-11-03",
        summary="Khiếu nại năm trước, có số sẵn",
        decision="accepted",
        decision_on="2025-11-10",
    ),
    row(received_on="2025-12-29", summary="Tố cáo năm trước, qua Tết dương lịch"),
    row(summary="Tố cáo cuối cùng, được cấp số sau số có sẵn"),
]


def csv_file(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


STAMPS = {"id", "created_at", "updated_at", "recorded_at", "history_id", "history_date"}


def _values(obj, numbers: dict[int, str], *, case_link: str = "case_id") -> dict:
    values = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if name in STAMPS:
            continue
        value = getattr(obj, name)
        if name in (case_link, "related_to_id", "follow_up_of_id", "duplicate_of_id"):
            value = numbers.get(value, value)
        values[name] = value
    return values


def dump() -> dict:
    """Every row an import leaves, keyed by case number rather than by primary key."""
    numbers = dict(Case.objects.values_list("pk", "number"))
    history_case = Case.history.model
    history_reporter = Reporter.history.model
    return {
        "cases": {
            case.number: _values(case, numbers, case_link="id") for case in Case.objects.all()
        },
        "events": _per_case(
            CaseEvent.objects.order_by("effective_on", "recorded_at", "id"), numbers
        ),
        "reporters": _per_case(Reporter.objects.order_by("position"), numbers),
        "case_history": _per_case(
            history_case.objects.order_by("history_date", "history_id"), numbers, case_link="id"
        ),
        "reporter_history": _per_case(
            history_reporter.objects.order_by("history_date", "history_id"), numbers
        ),
        "counters": list(CaseCounter.objects.order_by("year").values_list("year", "last")),
        "facts": _per_case(CaseFact.objects.all(), numbers),
    }


def _per_case(rows, numbers: dict[int, str], *, case_link: str = "case_id") -> dict:
    grouped: dict[str, list[dict]] = {}
    for obj in rows:
        number = numbers[getattr(obj, case_link)]
        grouped.setdefault(number, []).append(_values(obj, numbers, case_link=case_link))
    return grouped


def empty_the_database() -> None:
    Case.objects.all().delete()
    # Deleting leaves "-" history rows, and history is never cascaded: clear it all.
    Case.history.model.objects.all().delete()
    Reporter.history.model.objects.all().delete()
    CaseCounter.objects.all().delete()
    assert not CaseEvent.objects.exists()
    assert not CaseFact.objects.exists()


@pytest.mark.django_db
def test_the_bulk_import_writes_what_the_services_write_row_by_row(head):
    data = csv_file(ROWS)
    plan = importing.plan_import(data)
    assert plan.is_valid, importing.summarize_errors(plan.errors)
    importing._run_import_through_services(plan, by=head, source=SOURCE)
    through_services = dump()

    empty_the_database()
    plan = importing.plan_import(data)
    importing.run_import(plan, by=head, source=SOURCE, batch_size=7)
    in_bulk = dump()

    # The file covers what it claims to: every outcome, extensions, reporters, history steps.
    cases = through_services["cases"].values()
    assert {case["status"] for case in cases} == {
        "received",
        "urged",
        "accepted",
        "concluded",
        "forwarded",
        "guided",
        "returned",
        "filed",
        "withdrawn",
    }
    assert {case["finding"] for case in cases} == {"", "founded", "partly_founded", "unfounded"}
    assert {case["extension"] for case in cases} == {"none", "complex", "especially_complex"}
    assert through_services["counters"] == [(2025, 1), (2026, 20)]
    assert "2026-0004" in through_services["cases"]  # the unnumbered row after 2026-0003
    assert max(len(rows) for rows in through_services["case_history"].values()) == 5
    assert len(through_services["reporters"]) == len(ROWS) - 2
    assert len(through_services["facts"]) == len(ROWS)

    for table in through_services:
        assert in_bulk[table] == through_services[table], table


def test_the_steps_of_the_procedure_run_in_memory(field, django_assert_num_queries):
    ctx = procedure.Context(rules=deadlines.RuleBook(), calendar=WorkingCalendar())

    with django_assert_num_queries(0):
        case, received = procedure.receive(
            ctx,
            by=None,
            number="TC-1/2026",
            sequence=None,
            kind=Case.Kind.DENUNCIATION,
            channel=Case.Channel.POST,
            field=field,
            received_on=dt.date(2026, 3, 2),
            summary="Tài khoản mạng xã hội đăng tin sai sự thật",
        )
        accepted = procedure.decide(case, ctx, decision="accepted", on=dt.date(2026, 3, 5))
        extension = {"level": "especially_complex", "on": dt.date(2026, 3, 5)}
        for _time in range(2):
            procedure.extend(case, ctx, reason="Nhiều địa bàn", **extension)
        with pytest.raises(procedure.ProcedureError, match="chỉ được gia hạn 2 lần"):
            procedure.extend(case, ctx, reason="Lần thứ ba", **extension)
        concluded = procedure.conclude(case, ctx, finding="founded", on=dt.date(2026, 6, 1))

    assert case.pk is None
    assert case.status == Case.Status.CONCLUDED
    # 7 working days after Mon 02/03; 30 days after Thu 05/03 end on Mon 06/04, then two
    # extensions of 30 days: Wed 06/05, Fri 05/06
    assert received.events[0].due_on == dt.date(2026, 3, 11)
    assert accepted.events[0].due_on == dt.date(2026, 4, 6)
    assert case.resolution_due == dt.date(2026, 6, 5)
    assert concluded.fields[:4] == ["status", "finding", "concluded_on", "resolved_on"]
    assert concluded.events[0].data == {"finding": "founded"}
