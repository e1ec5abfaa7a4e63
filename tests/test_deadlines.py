"""Every statutory time limit (docs/product.md#the-rule-table), its due date counted by hand.

Counting (Civil Code 2015, Arts. 147-148): the day of the event is not counted; "days" are
calendar days, and a period ending on a day off ends on the next working day; "working days"
skip weekends and holidays and count make-up Saturdays. Holidays used below are listed at the
top of tests/test_calendar.py.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import deadlines, services
from cases.calendar import WorkingCalendar
from cases.models import CalendarOverride, Case, CaseEvent, TimeLimitRule

D = dt.date
Kind = Case.Kind


@pytest.fixture
def rules(db):
    return deadlines.RuleBook()


@pytest.fixture
def calendar():
    return WorkingCalendar(overrides={})


def due(case, rules, calendar):
    return deadlines.compute(case, rules=rules, calendar=calendar)


# --- Handling decision ----------------------------------------------------------------------


def test_denunciation_handling_is_7_working_days_across_tet(rules, calendar):
    # Thu 12/02/2026: Fri 13 (1); Tết 16-20/02 and two weekends; Mon 23 (2), Tue 24 (3),
    # Wed 25 (4), Thu 26 (5), Fri 27 (6), Mon 02/03 (7).
    case = Case(kind=Kind.DENUNCIATION, received_on=D(2026, 2, 12))
    result = due(case, rules, calendar)
    assert result.handling_due == D(2026, 3, 2)
    assert (result.next_step, result.next_due) == ("handling", D(2026, 3, 2))


def test_denunciation_checked_in_several_places_gets_10_working_days(rules, calendar):
    # Thu 12/02/2026 as above to Mon 02/03 (7), then Tue 03 (8), Wed 04 (9), Thu 05/03 (10).
    case = Case(kind=Kind.DENUNCIATION, received_on=D(2026, 2, 12), multi_location=True)
    assert due(case, rules, calendar).handling_due == D(2026, 3, 5)


def test_denunciation_outside_authority_is_forwarded_within_5_working_days(rules, calendar):
    # Fri 24/04/2026: weekend, Mon 27/04 (Hùng Kings observed) off; Tue 28 (1), Wed 29 (2);
    # Thu 30/04, Fri 01/05 and the weekend off; Mon 04/05 (3), Tue 05 (4), Wed 06/05 (5).
    case = Case(
        kind=Kind.DENUNCIATION,
        received_on=D(2026, 4, 24),
        proposed_decision=Case.Decision.FORWARDED,
    )
    result = due(case, rules, calendar)
    assert result.handling_due == D(2026, 5, 6)
    assert result.next_step == "forward"


def test_follow_up_denunciation_is_handled_within_5_working_days(rules, calendar):
    # Wed 29/04/2026: 30/04, 01/05 and the weekend off; Mon 04/05 (1) ... Fri 08/05 (5).
    original = Case(pk=1, kind=Kind.DENUNCIATION, received_on=D(2026, 1, 5))
    case = Case(kind=Kind.DENUNCIATION, received_on=D(2026, 4, 29), follow_up_of=original)
    assert due(case, rules, calendar).handling_due == D(2026, 5, 8)


def test_complaint_is_accepted_within_10_days_moved_past_tet(rules, calendar):
    # Fri 06/02/2026 + 10 days = Mon 16/02, Tết until Fri 20, weekend → Mon 23/02/2026.
    case = Case(kind=Kind.COMPLAINT, received_on=D(2026, 2, 6))
    result = due(case, rules, calendar)
    assert result.handling_due == D(2026, 2, 23)
    assert result.next_step == "acceptance"


@pytest.mark.parametrize("kind", [Kind.RECOMMENDATION, Kind.FEEDBACK])
def test_recommendation_and_feedback_are_handled_within_10_working_days(kind, rules, calendar):
    # Wed 22/04/2026: Thu 23 (1), Fri 24 (2); weekend and Mon 27/04 (Hùng Kings observed) off;
    # Tue 28 (3), Wed 29 (4); 30/04, 01/05 and the weekend off; Mon 04/05 (5) ... Fri 08 (9),
    # Mon 11/05 (10).
    case = Case(kind=kind, received_on=D(2026, 4, 22))
    assert due(case, rules, calendar).handling_due == D(2026, 5, 11)


def test_feedback_over_national_day_2026_with_its_swap(rules, calendar):
    # Tue 25/08/2026: Wed 26 (1), Thu 27 (2), Fri 28 (3); weekend, Mon 31/08 (swapped for Sat
    # 22/08), Tue 01/09 and Wed 02/09 off; Thu 03 (4), Fri 04 (5), Mon 07 (6) ... Fri 11/09 (10).
    case = Case(kind=Kind.FEEDBACK, received_on=D(2026, 8, 25))
    assert due(case, rules, calendar).handling_due == D(2026, 9, 11)


def test_handling_over_the_make_up_saturday_of_2025(rules, calendar):
    # Denunciation received Wed 23/04/2025: Thu 24 (1), Fri 25 (2), Sat 26 make-up (3), Mon 28
    # (4), Tue 29 (5); Wed 30/04, Thu 01/05, Fri 02/05 and the weekend off; Mon 05/05 (6),
    # Tue 06/05 (7).
    case = Case(kind=Kind.DENUNCIATION, received_on=D(2025, 4, 23))
    assert due(case, rules, calendar).handling_due == D(2025, 5, 6)


def test_an_administrator_day_off_moves_the_due_date(rules):
    # Recommendation received Mon 02/03/2026, 10 working days: Tue 03 (1) ... Mon 16/03 (10).
    # The administrator declares Fri 06/03 a day off: one more day, Tue 17/03.
    case = Case(kind=Kind.RECOMMENDATION, received_on=D(2026, 3, 2))
    assert due(case, rules, WorkingCalendar(overrides={})).handling_due == D(2026, 3, 16)
    with_override = WorkingCalendar(overrides={D(2026, 3, 6): CalendarOverride.Kind.DAY_OFF})
    assert due(case, rules, with_override).handling_due == D(2026, 3, 17)


# --- After acceptance -----------------------------------------------------------------------


def test_denunciation_reporter_is_notified_within_5_working_days_of_acceptance(rules, calendar):
    # Accepted Fri 28/08/2026: weekend, Mon 31/08, Tue 01/09, Wed 02/09 off; Thu 03 (1),
    # Fri 04 (2), Mon 07 (3), Tue 08 (4), Wed 09/09 (5).
    # Resolution: 28/08 + 30 days = Sun 27/09 → Mon 28/09/2026.
    case = Case(
        kind=Kind.DENUNCIATION,
        received_on=D(2026, 8, 20),
        status=Case.Status.ACCEPTED,
        accepted_on=D(2026, 8, 28),
    )
    result = due(case, rules, calendar)
    assert (result.next_step, result.next_due) == ("notify", D(2026, 9, 9))
    assert result.resolution_due == D(2026, 9, 28)
    case.reporter_notified_on = D(2026, 9, 1)
    assert (due(case, rules, calendar).next_step, due(case, rules, calendar).next_due) == (
        "resolution",
        D(2026, 9, 28),
    )


def test_denunciation_resolution_is_30_days_moved_past_tet(rules, calendar):
    # Accepted Fri 16/01/2026 + 30 days = Sun 15/02; Tết 16-20/02, weekend → Mon 23/02/2026.
    case = Case(
        kind=Kind.DENUNCIATION,
        received_on=D(2026, 1, 12),
        status=Case.Status.VERIFYING,
        accepted_on=D(2026, 1, 16),
        reporter_notified_on=D(2026, 1, 19),
    )
    assert due(case, rules, calendar).resolution_due == D(2026, 2, 23)


@pytest.mark.parametrize(
    ("round_", "remote", "complex_", "expected"),
    [
        # First time, accepted Tue 31/03/2026:
        # 30 days = Thu 30/04, then Fri 01/05 and the weekend → Mon 04/05.
        (1, False, False, D(2026, 5, 4)),
        # complex 45 days = Fri 15/05.
        (1, False, True, D(2026, 5, 15)),
        # remote area 45 days = Fri 15/05.
        (1, True, False, D(2026, 5, 15)),
        # remote and complex 60 days = Sat 30/05 → Mon 01/06.
        (1, True, True, D(2026, 6, 1)),
    ],
)
def test_complaint_first_time_resolution(round_, remote, complex_, expected, rules, calendar):
    case = Case(
        kind=Kind.COMPLAINT,
        received_on=D(2026, 3, 25),
        status=Case.Status.VERIFYING,
        accepted_on=D(2026, 3, 31),
        complaint_round=round_,
        remote_area=remote,
        extension=Case.Extension.COMPLEX if complex_ else Case.Extension.NONE,
    )
    result = due(case, rules, calendar)
    assert result.resolution_due == expected
    assert (result.next_step, result.next_due) == ("resolution", expected)


@pytest.mark.parametrize(
    ("remote", "complex_", "expected"),
    [
        # Second time, accepted Mon 16/03/2026:
        # 45 days = Thu 30/04, then 01/05 and the weekend → Mon 04/05.
        (False, False, D(2026, 5, 4)),
        # complex 60 days = Fri 15/05.
        (False, True, D(2026, 5, 15)),
        # remote area 60 days = Fri 15/05.
        (True, False, D(2026, 5, 15)),
        # remote and complex 70 days = Mon 25/05.
        (True, True, D(2026, 5, 25)),
    ],
)
def test_complaint_second_time_resolution(remote, complex_, expected, rules, calendar):
    case = Case(
        kind=Kind.COMPLAINT,
        received_on=D(2026, 3, 10),
        status=Case.Status.VERIFYING,
        accepted_on=D(2026, 3, 16),
        complaint_round=2,
        remote_area=remote,
        extension=Case.Extension.COMPLEX if complex_ else Case.Extension.NONE,
    )
    assert due(case, rules, calendar).resolution_due == expected


def test_recommendation_has_no_statutory_resolution_limit(rules, calendar):
    case = Case(
        kind=Kind.RECOMMENDATION,
        received_on=D(2026, 3, 2),
        status=Case.Status.VERIFYING,
        accepted_on=D(2026, 3, 5),
    )
    result = due(case, rules, calendar)
    assert result.resolution_due is None
    assert (result.next_step, result.next_due) == ("resolution", None)


def test_ineligible_petition_filed_away_is_reviewed_after_one_year_past_tet_2027(rules, calendar):
    # Filed Mon 09/02/2026 + 1 year = Tue 09/02/2027, Tết 2027 (04/02-10/02) → Thu 11/02/2027.
    case = Case(
        kind=Kind.FEEDBACK,
        received_on=D(2026, 2, 2),
        status=Case.Status.FILED,
        is_eligible=False,
        decision_on=D(2026, 2, 9),
    )
    result = due(case, rules, calendar)
    assert (result.next_step, result.next_due) == ("retention_review", D(2027, 2, 11))


# --- Rule versions --------------------------------------------------------------------------


def test_the_rule_in_force_on_the_day_of_receipt_applies(rules, calendar):
    # A later law shortens denunciation handling to 5 working days from Wed 01/07/2026.
    TimeLimitRule.objects.create(
        kind=Kind.DENUNCIATION,
        step=TimeLimitRule.Step.HANDLING,
        variant=TimeLimitRule.Variant.STANDARD,
        limit=5,
        unit=TimeLimitRule.Unit.WORKING_DAYS,
        effective_from=D(2026, 7, 1),
        source="Luật 136/2025/QH15",
    )
    rules = deadlines.RuleBook()
    # Received Tue 30/06/2026, old rule, 7 working days: Wed 01/07 (1) ... Thu 09/07 (7).
    before = Case(kind=Kind.DENUNCIATION, received_on=D(2026, 6, 30))
    assert due(before, rules, calendar).handling_due == D(2026, 7, 9)
    # Received Wed 01/07/2026, new rule, 5 working days: Thu 02 (1) ... Wed 08/07 (5).
    after = Case(kind=Kind.DENUNCIATION, received_on=D(2026, 7, 1))
    assert due(after, rules, calendar).handling_due == D(2026, 7, 8)


def test_a_missing_rule_says_what_to_add(calendar):
    rules = deadlines.RuleBook(rules=[])
    with pytest.raises(deadlines.MissingTimeLimitRule, match="Thời hạn theo luật"):
        due(Case(kind=Kind.COMPLAINT, received_on=D(2026, 3, 2)), rules, calendar)


# --- Extensions, through the service --------------------------------------------------------


@pytest.fixture
def accept(head):
    def do(case, on):
        return services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED, on=on)

    return do


def test_complex_denunciation_is_extended_once_from_the_end_of_the_time_limit(
    make_case, head, accept
):
    # Accepted Fri 16/01/2026: due Sun 15/02 → Mon 23/02 (after Tết).
    # Extended 30 days from that end: Mon 23/02 + 30 = Wed 25/03/2026.
    case = accept(make_case(received_on=D(2026, 1, 12)), D(2026, 1, 16))
    assert case.resolution_due == D(2026, 2, 23)
    services.case_extend(
        case=case,
        by=head,
        level=Case.Extension.COMPLEX,
        reason="Phải xác minh tại ba địa phương.",
        on=D(2026, 2, 10),
        document_number="12/QĐ-TTr",
    )
    case.refresh_from_db()
    assert case.resolution_due == D(2026, 3, 25)
    event = case.events.get(kind=CaseEvent.Kind.EXTENDED)
    assert (event.due_on, event.actor, event.note) == (
        D(2026, 3, 25),
        head,
        "Phải xác minh tại ba địa phương.",
    )
    with pytest.raises(services.ProcedureError, match="chỉ được gia hạn 1 lần"):
        services.case_extend(
            case=case, by=head, level=Case.Extension.COMPLEX, reason="Lần hai", on=D(2026, 3, 2)
        )


def test_especially_complex_denunciation_is_extended_twice_30_days_at_most(make_case, head, accept):
    # Accepted Fri 16/01/2026, due Mon 23/02/2026 (see above).
    # First extension 20 days: Mon 23/02 + 20 = Sun 15/03 → Mon 16/03/2026.
    # Second extension 30 days: Mon 16/03 + 30 = Wed 15/04/2026.
    case = accept(make_case(received_on=D(2026, 1, 12)), D(2026, 1, 16))
    level = Case.Extension.ESPECIALLY_COMPLEX
    with pytest.raises(services.ProcedureError, match="không quá 30 ngày"):
        services.case_extend(
            case=case, by=head, level=level, reason="Quá dài", days=31, on=D(2026, 2, 10)
        )
    services.case_extend(
        case=case, by=head, level=level, reason="Lần một", days=20, on=D(2026, 2, 10)
    )
    case.refresh_from_db()
    assert case.resolution_due == D(2026, 3, 16)
    services.case_extend(case=case, by=head, level=level, reason="Lần hai", on=D(2026, 3, 10))
    case.refresh_from_db()
    assert case.resolution_due == D(2026, 4, 15)
    assert case.extension_steps == [20, 30]
    with pytest.raises(services.ProcedureError, match="chỉ được gia hạn 2 lần"):
        services.case_extend(case=case, by=head, level=level, reason="Ba", on=D(2026, 4, 1))


def test_extension_after_the_time_limit_has_passed_is_refused(make_case, head, accept):
    case = accept(make_case(received_on=D(2026, 1, 12)), D(2026, 1, 16))
    with pytest.raises(services.ProcedureError, match="Đã quá hạn giải quyết"):
        services.case_extend(
            case=case, by=head, level=Case.Extension.COMPLEX, reason="Muộn", on=D(2026, 2, 24)
        )


def test_complex_complaint_switches_to_the_longer_limit(make_case, head, accept):
    # First-time complaint accepted Tue 31/03/2026: 30 days → Thu 30/04 → Mon 04/05/2026;
    # complex: 45 days → Fri 15/05/2026.
    case = accept(make_case(kind=Kind.COMPLAINT, received_on=D(2026, 3, 25)), D(2026, 3, 31))
    assert case.resolution_due == D(2026, 5, 4)
    with pytest.raises(services.ProcedureError, match="đặc biệt phức tạp"):
        services.case_extend(
            case=case,
            by=head,
            level=Case.Extension.ESPECIALLY_COMPLEX,
            reason="x",
            on=D(2026, 4, 20),
        )
    services.case_extend(
        case=case,
        by=head,
        level=Case.Extension.COMPLEX,
        reason="Nhiều người liên quan.",
        on=D(2026, 4, 20),
    )
    case.refresh_from_db()
    assert case.resolution_due == D(2026, 5, 15)
    assert case.events.get(kind=CaseEvent.Kind.EXTENDED).due_on == D(2026, 5, 15)


def test_remote_second_time_complex_complaint_gets_70_days(make_case, head, accept):
    # Accepted Mon 16/03/2026: remote second time 60 days = Fri 15/05; complex 70 = Mon 25/05.
    case = accept(
        make_case(
            kind=Kind.COMPLAINT, received_on=D(2026, 3, 10), complaint_round=2, remote_area=True
        ),
        D(2026, 3, 16),
    )
    assert case.resolution_due == D(2026, 5, 15)
    services.case_extend(
        case=case, by=head, level=Case.Extension.COMPLEX, reason="Phức tạp", on=D(2026, 4, 1)
    )
    case.refresh_from_db()
    assert case.resolution_due == D(2026, 5, 25)


def test_recommendations_are_not_extended(make_case, head, accept):
    case = accept(make_case(kind=Kind.RECOMMENDATION), D(2026, 3, 5))
    with pytest.raises(services.ProcedureError, match="Chỉ gia hạn"):
        services.case_extend(case=case, by=head, level=Case.Extension.COMPLEX, reason="x")


# --- Bringing stored due dates up to date ---------------------------------------------------


def test_recompute_moves_open_cases_and_leaves_finished_ones(make_case, head):
    # Recommendations received Mon 02/03/2026: 10 working days → Mon 16/03/2026.
    open_case = make_case(kind=Kind.RECOMMENDATION)
    finished = make_case(kind=Kind.RECOMMENDATION)
    services.case_decide(case=finished, by=head, decision=Case.Decision.GUIDED, on=D(2026, 3, 4))
    assert open_case.next_due == D(2026, 3, 16)
    # A day off declared on Fri 06/03 adds one working day: Tue 17/03.
    CalendarOverride.objects.create(day=D(2026, 3, 6), kind=CalendarOverride.Kind.DAY_OFF)
    seen = []
    result = services.deadlines_recompute_open_cases(
        batch_size=1, progress=lambda done, total, changed: seen.append((done, total, changed))
    )
    assert (result.checked, result.changed) == (1, 1)
    assert seen == [(1, 1, 1)]
    open_case.refresh_from_db()
    finished.refresh_from_db()
    assert (open_case.handling_due, open_case.next_due) == (D(2026, 3, 17), D(2026, 3, 17))
    assert finished.handling_due == D(2026, 3, 16)
    assert open_case.history.first().history_change_reason == "Tính lại thời hạn"


def test_recompute_command_reports_progress(make_case, capsys):
    for _ in range(3):
        make_case(kind=Kind.RECOMMENDATION)
    CalendarOverride.objects.create(day=D(2026, 3, 6), kind=CalendarOverride.Kind.DAY_OFF)
    call_command("recompute_deadlines", "--batch-size", "2")
    output = capsys.readouterr().out
    assert "2/3" in output
    assert "3/3" in output
    assert "3 vụ việc" in output
    assert set(Case.objects.values_list("next_due", flat=True)) == {D(2026, 3, 17)}


def test_adding_a_day_off_in_the_admin_moves_open_cases(client, administrator, make_case):
    case = make_case(kind=Kind.RECOMMENDATION)
    assert case.next_due == D(2026, 3, 16)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_calendaroverride_add"),
        {"day": "2026-03-06", "kind": "day_off", "note": "Nghỉ bù"},
        follow=True,
    )
    assert "Đã tính lại hạn của 1 vụ việc" in response.content.decode()
    case.refresh_from_db()
    assert case.next_due == D(2026, 3, 17)


def test_removing_an_override_in_the_admin_moves_cases_back(client, administrator, make_case):
    override = CalendarOverride.objects.create(
        day=D(2026, 3, 6), kind=CalendarOverride.Kind.DAY_OFF
    )
    case = make_case(kind=Kind.RECOMMENDATION)
    assert case.next_due == D(2026, 3, 17)
    client.force_login(administrator)
    client.post(reverse("admin:cases_calendaroverride_delete", args=[override.pk]), {"post": "yes"})
    case.refresh_from_db()
    assert case.next_due == D(2026, 3, 16)


def test_a_new_rule_version_in_the_admin_moves_open_cases(client, administrator, make_case):
    # Recommendation received Mon 02/03/2026: 10 working days → Mon 16/03; a version of 5
    # working days in force from 01/01/2026 → Mon 09/03.
    case = make_case(kind=Kind.RECOMMENDATION)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_timelimitrule_add"),
        {
            "kind": "recommendation",
            "step": "handling",
            "variant": "standard",
            "limit": "5",
            "unit": "working_days",
            "times": "1",
            "effective_from": "2026-01-01",
            "source": "Luật sửa đổi (thử)",
        },
        follow=True,
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.next_due == D(2026, 3, 9)


def test_a_rule_change_that_leaves_cases_without_a_rule_keeps_them_and_says_so(
    client, administrator, make_case
):
    case = make_case(kind=Kind.RECOMMENDATION)
    rule = TimeLimitRule.objects.get(kind=Kind.RECOMMENDATION, step="handling")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_timelimitrule_change", args=[rule.pk]),
        {
            "kind": "recommendation",
            "step": "handling",
            "variant": "standard",
            "limit": "10",
            "unit": "working_days",
            "times": "1",
            # A typo: in force only from 2027, so nothing covers a petition of March 2026.
            "effective_from": "2027-01-01",
            "source": rule.source,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Không có thời hạn nào đang có hiệu lực áp dụng cho 1 vụ việc" in page
    assert case.number in page
    case.refresh_from_db()
    assert case.next_due == D(2026, 3, 16)
