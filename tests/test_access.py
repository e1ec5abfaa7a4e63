"""Who opens which case: for every view that shows a case, the one who should see it, a
colleague in the same role who should not, and an outsider."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseConflict


@pytest.fixture
def assigned_case(make_case, head, verifier):
    case = make_case()
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=case, user=verifier, by=head)
    return case


def status_of(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_assigned_verifier_opens_the_case_others_do_not(
    client, assigned_case, verifier, other_verifier, outsider
):
    url = reverse("cases:detail", args=[assigned_case.pk])
    assert status_of(client, verifier, url) == 200
    assert status_of(client, other_verifier, url) == 404
    assert status_of(client, outsider, url) == 404


def test_registering_officer_keeps_seeing_the_case_after_it_leaves_the_queue(
    client, assigned_case, intake_officer, other_officer, outsider
):
    url = reverse("cases:detail", args=[assigned_case.pk])
    assert status_of(client, intake_officer, url) == 200
    assert status_of(client, other_officer, url) == 404
    assert status_of(client, outsider, url) == 404


def test_intake_queue_is_shared_by_intake_officers(client, make_case, other_officer, verifier):
    case = make_case()
    url = reverse("cases:detail", args=[case.pk])
    assert status_of(client, other_officer, url) == 200
    assert status_of(client, verifier, url) == 404


def test_head_sees_every_case_but_not_one_they_are_related_to(client, make_case, head):
    case = make_case()
    url = reverse("cases:detail", args=[case.pk])
    assert status_of(client, head, url) == 200
    services.case_declare_conflict(
        case=case, user=head, reason=CaseConflict.Reason.ACCUSED, by=head
    )
    assert status_of(client, head, url) == 404


def test_auditor_and_administrator_see_no_case_content(client, make_case, auditor, administrator):
    case = make_case()
    for user in (auditor, administrator):
        assert status_of(client, user, reverse("cases:detail", args=[case.pk])) == 404
        assert status_of(client, user, reverse("cases:list")) == 403


def test_case_list_shows_only_visible_cases(client, make_case, head, verifier, other_verifier):
    mine = make_case(summary="Vụ của Bình")
    services.case_decide(case=mine, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=mine, user=verifier, by=head)
    theirs = make_case(summary="Vụ của Châu")
    services.case_decide(case=theirs, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=theirs, user=other_verifier, by=head)
    client.force_login(verifier)
    page = client.get(reverse("cases:list")).content.decode()
    assert mine.number in page
    assert theirs.number not in page


def test_anonymous_visitor_is_sent_to_sign_in(client, make_case):
    case = make_case()
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Steps of the procedure, evidence, reception: three actors each -------------------------


def post_status(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {}).status_code


def test_assigned_verifier_writes_notes_others_cannot(
    client, assigned_case, verifier, other_verifier, outsider
):
    url = reverse("cases:note", args=[assigned_case.pk])
    data = {"note-text": "Ghi chú xác minh"}
    assert post_status(client, verifier, url, data) == 302
    assert post_status(client, other_verifier, url, data) == 404
    assert post_status(client, outsider, url, data) == 404
    assert assigned_case.notes.count() == 1


def test_only_the_head_decides_and_the_officer_who_can_see_it_is_refused(
    client, make_case, head, intake_officer, outsider
):
    case = make_case()
    url = reverse("cases:decide", args=[case.pk])
    data = {"decide-decision": "guided", "decide-on": "03/03/2026"}
    assert post_status(client, intake_officer, url, data) == 403
    assert post_status(client, outsider, url, data) == 404
    assert post_status(client, head, url, data) == 302
    case.refresh_from_db()
    assert case.status == Case.Status.GUIDED


def test_a_colleague_proposes_while_the_case_is_in_the_queue_but_not_after(
    client, make_case, head, intake_officer, other_officer, outsider
):
    case = make_case()
    url = reverse("cases:propose", args=[case.pk])
    data = {"propose-decision": "accepted", "propose-on": "03/03/2026"}
    assert post_status(client, other_officer, url, data) == 302
    assert post_status(client, outsider, url, data) == 404
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    assert post_status(client, other_officer, url, data) == 404
    # The registering officer still opens it but may no longer propose.
    assert post_status(client, intake_officer, url, data) == 403


def test_evidence_is_served_to_the_assigned_verifier_only(
    client, assigned_case, head, verifier, other_verifier, outsider, auditor
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence = services.evidence_add(
        case=assigned_case,
        by=head,
        upload=SimpleUploadedFile("ghi-chu.txt", "Biên bản".encode()),
        description="Biên bản",
    )
    url = reverse("cases:evidence_download", args=[assigned_case.pk, evidence.pk])
    assert status_of(client, verifier, url) == 200
    assert status_of(client, other_verifier, url) == 404
    assert status_of(client, outsider, url) == 404
    assert status_of(client, auditor, url) == 404


def test_evidence_of_another_case_is_not_served_through_this_one(
    client, assigned_case, make_case, head, verifier
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    other = make_case()
    evidence = services.evidence_add(
        case=other, by=head, upload=SimpleUploadedFile("a.txt", b"x"), description="x"
    )
    url = reverse("cases:evidence_download", args=[assigned_case.pk, evidence.pk])
    assert status_of(client, verifier, url) == 404


def test_auditor_reaches_no_step_of_any_case(client, assigned_case, auditor):
    for slug in ("note", "decide", "recuse", "report"):
        url = reverse(f"cases:{slug}", args=[assigned_case.pk])
        assert post_status(client, auditor, url) == 404


@pytest.mark.parametrize(
    "name", ["intake:sessions", "intake:session_create", "intake:session", "intake:visit_add"]
)
def test_reception_log_is_for_who_logs_reception(
    client, intake_officer, other_officer, head, verifier, auditor, outsider, name
):
    from intake import services as intake_services

    session = intake_services.reception_session_create(
        by=intake_officer, held_on=dt.date(2026, 4, 21), kind="regular"
    )
    args = [session.pk] if name in ("intake:session", "intake:visit_add") else []
    url = reverse(name, args=args)
    method = "post" if name == "intake:visit_add" else "get"
    data = {"visit-people_count": "1", "visit-subject": "complaint", "visit-is_repeat": "0"}

    def status(user):
        client.force_login(user)
        response = getattr(client, method)(url, data if method == "post" else None)
        return response.status_code

    expected = 302 if method == "post" else 200
    # The reception log is the unit's shared book: every intake officer and the head keep it.
    assert status(intake_officer) == expected
    assert status(other_officer) == expected
    assert status(head) == expected
    for user in (verifier, auditor, outsider):
        assert status(user) == 403
