"""The report read model follows the case timelines; the command line around it."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case, CaseEvent
from reports.figures import report_figures
from reports.models import CaseFact
from reports.periods import preset

D = dt.date


def test_registering_and_deciding_keep_the_fact_current(make_case, head):
    case = make_case(received_on=D(2026, 3, 2))
    fact = CaseFact.objects.get(case=case)
    assert (fact.received_on, fact.decision, fact.finished_on) == (D(2026, 3, 2), "", None)
    assert fact.handling_due == case.handling_due
    services.case_decide(case=case, by=head, decision=Case.Decision.GUIDED, on=D(2026, 3, 4))
    fact.refresh_from_db()
    assert (fact.decision, fact.decision_on, fact.finish_kind) == (
        "guided",
        D(2026, 3, 4),
        "guided",
    )
    assert fact.on_time is True


def test_steps_the_reports_ignore_cost_them_nothing(make_case, head):
    case = make_case()
    with CaptureQueriesContext(connection) as queries:
        services.case_note_add(case=case, by=head, text="Đã gọi điện cho cơ quan liên quan")
    assert not [q for q in queries.captured_queries if "reports_casefact" in q["sql"]]


def test_a_batch_of_events_written_at_once_reaches_every_case_s_fact(make_case, head):
    # As the import writes them: several cases' steps in one call of the one event writer.
    first, second = make_case(received_on=D(2026, 3, 2)), make_case(received_on=D(2026, 3, 2))
    assert report_figures(preset("2026-Q1"))["petitions"]["resolved"] == 0
    services.events_write(
        [
            CaseEvent(case=case, kind=CaseEvent.Kind.FILED, effective_on=D(2026, 3, 3), actor=head)
            for case in (first, second)
        ]
    )
    assert report_figures(preset("2026-Q1"))["petitions"]["resolved"] == 2
    assert set(CaseFact.objects.values_list("finish_kind", flat=True)) == {"filed"}


def test_report_facts_finds_drift_and_repairs_it(make_case, capsys):
    case = make_case()
    CaseFact.objects.filter(case=case).update(kind="feedback")
    with pytest.raises(CommandError):
        call_command("report_facts", "--check")
    assert "1 facts out of date" in capsys.readouterr().out
    call_command("report_facts")
    assert CaseFact.objects.get(case=case).kind == case.kind
    call_command("report_facts", "--check")
    assert "0 facts out of date" in capsys.readouterr().out


def test_deleting_a_case_takes_its_fact_along(make_case):
    case = make_case()
    case.delete()
    assert not CaseFact.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--start", "2026-01-01"],
        ["--preset", "2026-Q2", "--start", "2026-01-01", "--end", "2026-02-01"],
        ["--preset", "2026-Q9"],
        ["--start", "2026-13-01", "--end", "2026-12-31"],
        ["--start", "2026-02-01", "--end", "2026-01-01"],
    ],
)
def test_the_report_command_says_what_is_wrong_with_a_period(db, args):
    with pytest.raises(CommandError):
        call_command("report", *args, "--format", "json")


def test_the_report_command_prints_text_by_default(db, capsys):
    call_command("report", "--preset", "2026-Q1")
    assert capsys.readouterr().out.startswith("Từ ngày 15/12/2025 đến 14/03/2026, không tiếp nhận")
