from django.urls import reverse

from cases import services
from cases.models import Case


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
    # session, user, user permissions, group permissions, count, calendar overrides (for "due
    # soon"), page of cases with fields, their assignments with users, the field and assignee
    # choices of the filter form
    with django_assert_num_queries(10):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    build(make_case, head, verifier, 5)
    with django_assert_num_queries(10):
        client.get(reverse("cases:list"))


def test_case_detail_queries_are_fixed(
    client, make_case, head, verifier, django_assert_num_queries
):
    case = make_case()
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=case, user=verifier, by=head)
    client.force_login(verifier)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    # session, user, user permissions, group permissions, the case (visibility checked in the
    # same query), reporters' positions, calendar overrides, the assignment check of can_work,
    # assignments with users, notes, evidence, timeline with actors
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
