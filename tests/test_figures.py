"""Report figures from petitions with known histories, built through the services with the
dates each step took effect (cut-off year 2026: Q1 15/12/2025–14/03/2026, Q2 15/03–14/06/2026,
Q3 15/06–14/09/2026)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Field
from intake import services as intake_services
from protection.models import (
    IdentityReveal,
    ProtectionMeasure,
    ProtectionRequest,
    RetaliationReport,
)
from reports import facts
from reports.figures import report_figures
from reports.models import CaseFact
from reports.periods import custom, preset
from tests.conftest import REPORTER

D = dt.date
Kind = Case.Kind
Decision = Case.Decision


def register(by, *, kind, on, field=None, channel=Case.Channel.POST, corruption=False, **kw):
    (case,) = intake_services.petition_register(
        by=by,
        channel=channel,
        received_on=on,
        contents=[
            intake_services.ContentData(
                kind=kind,
                field=field or Field.objects.get(code="social_network"),
                summary="Nội dung đơn",
                accused="Ông Nguyễn Văn X" if kind != Kind.FEEDBACK else "",
                corruption_related=corruption,
            )
        ],
        reporters=[] if kw.get("anonymous") else [REPORTER],
        **kw,
    )
    return case


@pytest.fixture
def history(db, intake_officer, head):
    return build_history(intake_officer, head)


def build_history(intake_officer, head) -> dict[str, Case]:
    """Eleven petitions, each with a history that says something about Q1 and Q2 of 2026.

    Everything here took effect by 14/06/2026 (the end of Q2) except the steps `later` adds.
    """
    press = Field.objects.get(code="press")
    cases = {}
    # J: received and guided in Q1, gone before Q2 began.
    cases["J"] = register(intake_officer, kind=Kind.RECOMMENDATION, on=D(2025, 12, 20))
    services.case_decide(case=cases["J"], by=head, decision=Decision.GUIDED, on=D(2025, 12, 22))
    # A: a denunciation accepted in Q1, concluded (founded) in Q2, before its due date 06/04.
    a = cases["A"] = register(intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 3, 2))
    services.case_check_eligibility(
        case=a,
        by=intake_officer,
        conditions=dict.fromkeys(services.ELIGIBILITY_CONDITIONS, True),
        on=D(2026, 3, 3),
    )
    services.case_decide(case=a, by=head, decision=Decision.ACCEPTED, on=D(2026, 3, 5))
    services.case_conclude(
        case=a, by=head, finding=Case.Finding.FOUNDED, on=D(2026, 4, 1), document_number="1/KL"
    )
    # B: a recommendation received in Q1, guided in Q2 after its handling due date (24/03).
    b = cases["B"] = register(intake_officer, kind=Kind.RECOMMENDATION, on=D(2026, 3, 10))
    services.case_decide(case=b, by=head, decision=Decision.GUIDED, on=D(2026, 4, 1))
    # H: a corruption-related denunciation received on the last day of Q1, urged in Q2.
    h = cases["H"] = register(
        intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 3, 14), corruption=True
    )
    services.case_decide(
        case=h, by=head, decision=Decision.URGED, on=D(2026, 3, 16), note="Đôn đốc lần 1"
    )
    # C: a complaint received in Q2 from the press field, accepted, extended (complex: due
    # 11/05), still open at the end of Q2.
    c = cases["C"] = register(intake_officer, kind=Kind.COMPLAINT, on=D(2026, 3, 20), field=press)
    services.case_decide(case=c, by=head, decision=Decision.ACCEPTED, on=D(2026, 3, 25))
    services.case_extend(
        case=c, by=head, level=Case.Extension.COMPLEX, reason="Phức tạp", on=D(2026, 4, 20)
    )
    # D: a denunciation accepted 03/04 (due 04/05), extended 28/04 (due 02/06), concluded
    # unfounded on 10/06: late.
    d = cases["D"] = register(
        intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 4, 1), channel=Case.Channel.EMAIL
    )
    services.case_decide(case=d, by=head, decision=Decision.ACCEPTED, on=D(2026, 4, 3))
    services.case_extend(
        case=d, by=head, level=Case.Extension.COMPLEX, reason="Phức tạp", on=D(2026, 4, 28)
    )
    services.case_conclude(case=d, by=head, finding=Case.Finding.UNFOUNDED, on=D(2026, 6, 10))
    # G: an anonymous denunciation, filed away.
    g = cases["G"] = register(
        intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 4, 12), anonymous=True
    )
    services.case_decide(case=g, by=head, decision=Decision.FILED, on=D(2026, 4, 15))
    # K: a recommendation nobody decided on (handling due 30/03).
    cases["K"] = register(intake_officer, kind=Kind.RECOMMENDATION, on=D(2026, 3, 16))
    # F: a denunciation withdrawn before any decision, within its handling time.
    f = cases["F"] = register(intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 5, 20))
    services.case_withdraw(case=f, by=head, on=D(2026, 5, 25))
    # E: feedback received near the end of Q2 (handling due 19/06), filed in Q3.
    cases["E"] = register(intake_officer, kind=Kind.FEEDBACK, on=D(2026, 6, 5))
    # I: a complaint of Q3.
    cases["I"] = register(intake_officer, kind=Kind.COMPLAINT, on=D(2026, 7, 1))
    return cases


def later(cases, head):
    """Steps taken after Q2 ended: they must not change Q2."""
    services.case_decide(case=cases["E"], by=head, decision=Decision.FILED, on=D(2026, 6, 18))
    services.case_conclude(
        case=Case.objects.get(pk=cases["C"].pk),
        by=head,
        finding=Case.Finding.PARTLY_FOUNDED,
        on=D(2026, 7, 1),
    )
    services.case_decide(
        case=Case.objects.get(pk=cases["H"].pk),
        by=head,
        decision=Decision.ACCEPTED,
        on=D(2026, 7, 20),
    )


def test_second_quarter_counts_each_petition_as_it_stood_on_14_june(history):
    petitions = report_figures(preset("2026-Q2"))["petitions"]

    # A, B and H were open when Q2 began; J was finished before it.
    assert petitions["carried_over"] == 3
    # C, D, G, K, F, E; I arrives in Q3.
    assert petitions["received"] == 6
    assert petitions["total"] == 9
    # A, B, D, F, G ended in Q2; C, E, H, K did not.
    assert petitions["resolved"] == 5
    assert petitions["in_progress"] == 4
    # C is past its extended due date (11/05), K past its handling due date (30/03); H is
    # urged (nothing due from the unit), E's handling time runs to 19/06.
    assert petitions["overdue"] == 2
    assert petitions["handled"] == 6
    assert petitions["not_handled"] == 3
    assert petitions["eligible"] == 1
    assert petitions["by_kind"] == {
        "complaint": 1,
        "denunciation": 3,
        "recommendation": 1,
        "feedback": 1,
    }
    assert petitions["by_channel"]["email"] == 1
    assert petitions["by_channel"]["post"] == 5
    assert petitions["by_field"]["press"] == 1
    assert petitions["by_field"]["social_network"] == 5
    assert petitions["by_decision"] == {
        "accepted": 3,
        "forwarded": 0,
        "guided": 1,
        "returned": 0,
        "filed": 1,
        "urged": 1,
    }
    assert petitions["by_outcome"] == {
        "concluded": 2,
        "withdrawn": 1,
        "suspended": 0,
        "forwarded": 0,
        "guided": 1,
        "returned": 0,
        "filed": 1,
    }
    assert petitions["findings"] == {"founded": 1, "partly_founded": 0, "unfounded": 1}
    # A, F, G on time; B decided late, D concluded after its extended due date.
    assert petitions["deadline"] == {"met": 3, "missed": 2}
    assert petitions["extensions"] == {"cases": 2, "granted": 2}
    assert petitions["corruption_related"] == 0
    assert petitions["resolution"] == {
        "carried_over": 1,
        "accepted": 2,
        "total": 3,
        "resolved": 2,
        "withdrawn": 0,
        "in_progress": 1,
        "overdue": 1,
        "deadline": {"met": 1, "missed": 1},
    }


def test_second_quarter_by_kind_and_field(history):
    figures = report_figures(preset("2026-Q2"))
    denunciations = figures["kinds"]["denunciation"]
    assert (denunciations["carried_over"], denunciations["received"]) == (2, 3)
    assert (denunciations["resolved"], denunciations["in_progress"]) == (4, 1)
    assert denunciations["by_decision"]["urged"] == 1
    assert denunciations["resolution"]["resolved"] == 2
    complaints = figures["kinds"]["complaint"]
    assert (complaints["total"], complaints["overdue"], complaints["extensions"]["cases"]) == (
        1,
        1,
        1,
    )
    assert figures["fields"]["press"] == {
        "received": 1,
        "total": 1,
        "resolved": 0,
        "in_progress": 1,
        "overdue": 1,
    }
    assert figures["fields"]["social_network"]["total"] == 8


def test_first_quarter_before_the_later_steps(history):
    petitions = report_figures(preset("2026-Q1"))["petitions"]
    # J, A, B, H received; only J finished; none past its due date on 14/03.
    assert (petitions["carried_over"], petitions["received"]) == (0, 4)
    assert (petitions["resolved"], petitions["in_progress"], petitions["overdue"]) == (1, 3, 0)
    assert petitions["by_decision"]["accepted"] == 1
    assert petitions["corruption_related"] == 1
    assert petitions["resolution"]["accepted"] == 1


def test_steps_taken_after_the_period_leave_it_unchanged(history, head):
    before = report_figures(preset("2026-Q2"))
    later(history, head)
    assert report_figures(preset("2026-Q2")) == before

    third = report_figures(preset("2026-Q3"))["petitions"]
    # C, E, H, K carried into Q3; I received; C and E ended there.
    assert (third["carried_over"], third["received"], third["resolved"]) == (4, 1, 2)
    assert third["by_decision"]["accepted"] == 2  # C and H (accepted 20/07)
    assert third["findings"]["partly_founded"] == 1


def test_overdue_reads_the_due_date_in_force_at_the_end(history):
    # On 20/05 D's extension (28/04, due 02/06) is in force: not overdue although its first
    # due date (04/05) is past; C's extended due date (11/05) is past.
    may = report_figures(custom(D(2026, 5, 1), D(2026, 5, 20)))["petitions"]
    assert may["resolution"]["overdue"] == 1
    # On 05/06 D is past 02/06 as well.
    june = report_figures(custom(D(2026, 6, 1), D(2026, 6, 5)))["petitions"]
    assert june["resolution"]["overdue"] == 2


def test_a_custom_range_across_quarters(history):
    petitions = report_figures(custom(D(2026, 3, 1), D(2026, 4, 30)))["petitions"]
    # A, B, H, K, C, D, G received within; J was finished before 01/03.
    assert (petitions["carried_over"], petitions["received"]) == (0, 7)
    assert petitions["resolved"] == 3  # A, B, G


def test_facts_rebuilt_from_scratch_match_the_ones_kept_by_the_services(history, head):
    later(history, head)
    kept = {fact["case_id"]: fact for fact in CaseFact.objects.values()}
    CaseFact.objects.all().delete()
    assert facts.facts_rebuild(batch_size=4) == (len(history), len(history))
    assert {fact["case_id"]: fact for fact in CaseFact.objects.values()} == kept
    assert facts.facts_rebuild(check_only=True) == (len(history), 0)


def test_protection_and_reception_figures(history, head, intake_officer):
    a, d = history["A"], history["D"]
    q2 = {"decided_by": head, "recorded_by": intake_officer, "reason": "Lo ngại bị trù dập"}
    granted = ProtectionRequest.objects.create(
        case=a,
        received_on=D(2026, 3, 20),
        channel="written",
        status="granted",
        decided_on=D(2026, 3, 25),
        **q2,
    )
    ProtectionRequest.objects.create(
        case=d,
        received_on=D(2026, 4, 10),
        channel="in_person",
        status="refused",
        decided_on=D(2026, 4, 15),
        **q2,
    )
    ProtectionRequest.objects.create(
        case=d, received_on=D(2026, 6, 10), channel="written", **q2
    )  # pending at the end
    ProtectionMeasure.objects.create(
        request=granted, kind="secrecy", carried_out_by="Thanh tra Sở", started_on=D(2026, 3, 25)
    )
    ProtectionMeasure.objects.create(
        request=granted,
        kind="job",
        carried_out_by="Sở",
        started_on=D(2026, 3, 25),
        ended_on=D(2026, 5, 1),
        status="ended",
    )
    RetaliationReport.objects.create(
        case=a, reported_on=D(2026, 5, 2), description="Bị điều chuyển", recorded_by=head
    )
    RetaliationReport.objects.create(
        case=a, reported_on=D(2026, 7, 2), description="Sau kỳ", recorded_by=head
    )
    IdentityReveal.objects.create(case=a, user=head, reason="Xác minh", basis="head")

    regular = intake_services.reception_session_create(
        by=intake_officer, held_on=D(2026, 4, 2), kind="regular"
    )
    periodic = intake_services.reception_session_create(
        by=head, held_on=D(2026, 5, 15), kind="periodic", mode="in_person"
    )
    intake_services.reception_session_create(
        by=head, held_on=D(2026, 7, 15), kind="ad_hoc", mode="delegated"
    )  # Q3
    visit = intake_services.reception_visit_add(session=regular, subject="denunciation")
    intake_services.reception_visit_add(
        session=periodic, subject="complaint", people_count=7, is_repeat=True
    )
    intake_services.reception_visit_add(session=periodic, subject="recommendation", people_count=2)
    register(intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 4, 2), reception_visit=visit)

    figures = report_figures(preset("2026-Q2"))
    assert figures["protection"] == {
        "requests": 3,
        "granted": 1,
        "refused": 1,
        "pending": 1,
        "measures_in_force": 1,
        "measures_started": 2,
        "retaliation_reports": 1,
        # The reveal happened today (after Q2): not counted.
        "identity_reveals": 0,
    }
    reception = figures["reception"]
    assert (reception["sessions"], reception["visits"], reception["people"]) == (2, 3, 10)
    assert (reception["large_groups"], reception["large_group_people"]) == (1, 7)
    assert (reception["cases"], reception["cases_first"], reception["cases_repeat"]) == (1, 1, 0)
    assert reception["by_type"]["regular"]["visits"] == 1
    assert reception["by_type"]["periodic"]["people"] == 9
    assert reception["by_type"]["ad_hoc"]["sessions"] == 0
    assert reception["by_mode"]["in_person"]["sessions"] == 1
    assert reception["by_mode"]["delegated"]["sessions"] == 0
    assert (reception["complaint"], reception["denunciation"], reception["recommendation"]) == (
        1,
        1,
        1,
    )
    today = report_figures(custom(D(2026, 11, 1), timezone.localdate()))["protection"]
    assert today["identity_reveals"] == 1


def test_a_forwarded_denunciation_is_judged_by_the_forwarding_limit(db, intake_officer, head):
    # Received Mon 02/03/2026: forwarding is due within 5 working days (09/03), not the 7 of a
    # decision within authority (11/03). Forwarded on 10/03: late.
    case = register(intake_officer, kind=Kind.DENUNCIATION, on=D(2026, 3, 2))
    services.case_decide(
        case=case, by=head, decision=Decision.FORWARDED, on=D(2026, 3, 10), forwarded_to="UBND"
    )
    assert CaseFact.objects.get(case=case).handling_due == D(2026, 3, 9)
    figures = report_figures(custom(D(2026, 3, 1), D(2026, 3, 31)))
    assert figures["petitions"]["deadline"] == {"met": 0, "missed": 1}


def test_a_check_that_confirms_eligibility_does_not_change_an_earlier_period(db, intake_officer):
    case = register(intake_officer, kind=Kind.RECOMMENDATION, on=D(2026, 3, 2))
    conditions = dict.fromkeys(services.ELIGIBILITY_CONDITIONS, True)
    services.case_check_eligibility(
        case=case, by=intake_officer, conditions=conditions, on=D(2026, 3, 3)
    )
    early = custom(D(2026, 3, 1), D(2026, 3, 5))
    assert report_figures(early)["petitions"]["eligible"] == 1
    services.case_check_eligibility(
        case=case, by=intake_officer, conditions=conditions, on=D(2026, 3, 9)
    )
    assert report_figures(early)["petitions"]["eligible"] == 1
