"""Query budgets: the list, the case page and the reception log run a fixed number of queries,
however many cases, timeline events, notes or visits there are."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Case
from intake import services as intake_services
from tests.conftest import REPORTER

D = dt.date

# Every signed-in page starts with these: session, user, the user's own permissions, the
# permissions of the user's groups.
SIGNED_IN = 4


def build(make_case, head, verifier, count):
    for _ in range(count):
        case = make_case()
        services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
        services.case_assign(case=case, user=verifier, by=head)


def test_case_list_queries_do_not_grow_with_cases(
    client, make_case, head, verifier, django_assert_num_queries
):
    build(make_case, head, verifier, 3)
    client.force_login(head)
    client.get(reverse("cases:list"))  # warm the content-type cache
    # count of matching cases, calendar overrides (for "due soon"), the page of cases with
    # their fields, their assignments with users, the field choices and the assignee choices of
    # the filter form
    with django_assert_num_queries(SIGNED_IN + 6):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    build(make_case, head, verifier, 5)
    with django_assert_num_queries(SIGNED_IN + 6):
        response = client.get(reverse("cases:list"), {"q": "xuc pham", "status": "open"})
    assert len(response.context["rows"]) == 8


def test_verifier_case_list_has_no_assignee_choices(
    client, make_case, head, verifier, django_assert_num_queries
):
    build(make_case, head, verifier, 2)
    client.force_login(verifier)
    client.get(reverse("cases:list"))
    # as above, without the assignee choices
    with django_assert_num_queries(SIGNED_IN + 5):
        client.get(reverse("cases:list"))


def test_case_detail_queries_do_not_grow_with_the_timeline(
    client, make_case, head, verifier, other_verifier, django_assert_num_queries
):
    case = make_case()
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED, on=D(2026, 3, 5))
    services.case_assign(case=case, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(verifier)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    # the case with its field, registering officer and links (visibility checked in the same
    # query), its assignments with users, the reporters' positions (for pseudonyms), evidence,
    # calendar overrides (for "due soon"), cases linked to it, notes with authors, the
    # timeline with actors; and protection's panels: identity access requests, protection
    # requests, retaliation reports
    budget = SIGNED_IN + 11
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
    for number in range(5):
        services.case_note_add(case=case, by=verifier, text=f"Ghi chú {number}")
        services.evidence_add(
            case=case,
            by=verifier,
            upload=SimpleUploadedFile(f"bien-ban-{number}.txt", b"noi dung"),
            description=f"Biên bản {number}",
        )
    services.case_assign(case=case, user=other_verifier, by=head, on=D(2026, 3, 10))
    services.case_report_verification(case=case, by=verifier, text="Kết quả", on=D(2026, 3, 30))
    assert case.events.count() > 12
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


def test_case_detail_for_the_head_does_not_grow_with_duplicates_or_links(
    client, make_case, head, django_assert_num_queries
):
    original = make_case()
    case = make_case(received_on=D(2026, 3, 10))
    client.force_login(head)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    # the case, its assignments, the reporters' positions, possible duplicates by reporter
    # (blind indexes) and by accused and field, which of those the head may open, evidence,
    # calendar overrides, cases linked to it, notes, the timeline, the staff choices of the
    # conflict form; and protection's panels: identity access requests, reporter positions,
    # protection requests, retaliation reports
    budget = SIGNED_IN + 16
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
    for _ in range(4):
        make_case(received_on=D(2026, 3, 11), reporters=[REPORTER])
    make_case(received_on=D(2026, 4, 1), follow_up_of=case)
    services.case_link_duplicate(case=original, of=case, by=head)
    # once cases are linked to it: which of them the head may open
    with django_assert_num_queries(budget + 1):
        response = client.get(url)
    (hints,) = response.context["boxes"]["top"]
    assert len(hints["panel"]) == 4


def test_reception_log_queries_do_not_grow_with_sessions(
    client, intake_officer, django_assert_num_queries
):
    def add_sessions(count):
        for day in range(1, count + 1):
            session = intake_services.reception_session_create(
                by=intake_officer, held_on=D(2026, 4, day), kind="regular", host=intake_officer
            )
            intake_services.reception_visit_add(session=session, subject="complaint")

    add_sessions(2)
    client.force_login(intake_officer)
    url = reverse("intake:sessions")
    client.get(url)
    # the totals, the count of sessions, one page of sessions with their counts and hosts
    with django_assert_num_queries(SIGNED_IN + 3):
        client.get(url)
    add_sessions(8)
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 10


def test_reception_session_page_does_not_grow_with_visits(
    client, intake_officer, make_case, django_assert_num_queries
):
    session = intake_services.reception_session_create(
        by=intake_officer, held_on=D(2026, 4, 21), kind="regular"
    )
    visit = intake_services.reception_visit_add(session=session, subject="denunciation")
    make_case(received_on=D(2026, 4, 21), channel="in_person", reception_visit=visit)
    client.force_login(intake_officer)
    url = reverse("intake:session", args=[session.pk])
    client.get(url)
    # the session with its host, its visits, the cases registered in them, which of those the
    # user may open
    with django_assert_num_queries(SIGNED_IN + 4):
        client.get(url)
    for _ in range(6):
        visit = intake_services.reception_visit_add(session=session, subject="complaint")
        make_case(received_on=D(2026, 4, 21), channel="in_person", reception_visit=visit)
    with django_assert_num_queries(SIGNED_IN + 4):
        client.get(url)
