"""Who opens which case: for every view that shows a case, the one who should see it, a
colleague in the same role who should not, and an outsider."""

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
