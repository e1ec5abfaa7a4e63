"""The case list: filters, search that ignores Vietnamese diacritics, deadlines that stand out,
pagination."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import deadlines, services
from cases.models import Case, Field

D = dt.date


def numbers(client, **params):
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return {row[0].number for row in response.context["rows"]}


@pytest.fixture
def signed_in_head(client, head):
    client.force_login(head)
    return client


def test_search_ignores_diacritics_and_case(signed_in_head, make_case):
    nguyen = make_case(summary="Ông Nguyễn Văn Tư phản ánh tin giả", accused="")
    land = make_case(summary="Tranh chấp quyền sử dụng đất", accused="")
    other = make_case(summary="Quảng cáo sai sự thật", accused="")
    assert numbers(signed_in_head, q="nguyen") == {nguyen.number}
    assert numbers(signed_in_head, q="NGUYEN VAN") == {nguyen.number}
    assert numbers(signed_in_head, q="Nguyễn") == {nguyen.number}
    assert numbers(signed_in_head, q="dat") == {land.number}
    assert numbers(signed_in_head, q="Đất") == {land.number}
    assert numbers(signed_in_head, q="quang cao") == {other.number}


def test_search_finds_the_accused_and_the_number(signed_in_head, make_case):
    first = make_case(accused="Công ty Viễn thông Đông Dương")
    second = make_case(accused="")
    assert numbers(signed_in_head, q="dong duong") == {first.number}
    assert numbers(signed_in_head, q=second.number) == {second.number}
    assert numbers(signed_in_head, q=second.number[-4:]) == {second.number}


def test_search_never_looks_at_reporter_identity(signed_in_head, make_case):
    make_case()
    assert numbers(signed_in_head, q="Marker-Secret") == set()
    assert numbers(signed_in_head, q="096123456789") == set()


def test_filters_by_kind_status_field_and_channel(signed_in_head, make_case, head):
    press = Field.objects.get(code="press")
    complaint = make_case(kind=Case.Kind.COMPLAINT, channel=Case.Channel.EMAIL)
    denunciation = make_case()
    services.case_decide(case=denunciation, by=head, decision=Case.Decision.GUIDED)
    recommendation = make_case(kind=Case.Kind.RECOMMENDATION)
    Case.objects.filter(pk=recommendation.pk).update(field=press)
    assert numbers(signed_in_head, kind="complaint") == {complaint.number}
    assert numbers(signed_in_head, status="guided") == {denunciation.number}
    assert numbers(signed_in_head, status="open") == {complaint.number, recommendation.number}
    assert numbers(signed_in_head, status="finished") == {denunciation.number}
    assert numbers(signed_in_head, field=press.pk) == {recommendation.number}
    assert numbers(signed_in_head, channel="email") == {complaint.number}
    assert numbers(signed_in_head, kind="complaint", channel="post") == set()


def test_filter_by_assignee(signed_in_head, make_case, head, verifier, other_verifier):
    mine = make_case()
    services.case_decide(case=mine, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=mine, user=verifier, by=head)
    theirs = make_case()
    services.case_decide(case=theirs, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=theirs, user=other_verifier, by=head)
    assert numbers(signed_in_head, assignee=verifier.pk) == {mine.number}


def test_assignee_filter_is_offered_only_to_who_sees_every_case(client, verifier):
    client.force_login(verifier)
    response = client.get(reverse("cases:list"))
    assert "assignee" not in response.context["form"].fields


def test_filter_by_received_period(signed_in_head, make_case):
    march = make_case(received_on=D(2026, 3, 2))
    april = make_case(received_on=D(2026, 4, 20))
    may = make_case(received_on=D(2026, 5, 4))
    found = numbers(signed_in_head, received_from="01/04/2026", received_to="30/04/2026")
    assert found == {april.number}
    assert numbers(signed_in_head, received_from="2026-04-20") == {april.number, may.number}
    assert numbers(signed_in_head, received_to="02/03/2026") == {march.number}


def test_a_reversed_period_is_explained(signed_in_head, make_case):
    make_case()
    response = signed_in_head.get(
        reverse("cases:list"), {"received_from": "30/04/2026", "received_to": "01/04/2026"}
    )
    assert "Ngày bắt đầu phải trước ngày kết thúc." in response.content.decode()


def test_overdue_and_due_soon_stand_out(signed_in_head, make_case):
    today = timezone.localdate()
    # Received Mon 02/03/2026: its handling was due on Wed 11/03/2026, long past.
    overdue = make_case(received_on=D(2026, 3, 2))
    soon = make_case(received_on=D(2026, 3, 2))
    later = make_case(received_on=D(2026, 3, 2))
    # Put the other two where "due soon" reads them: within 3 working days, and after that.
    Case.objects.filter(pk=soon.pk).update(next_due=deadlines.due_soon_limit(today))
    Case.objects.filter(pk=later.pk).update(
        next_due=deadlines.due_soon_limit(today) + dt.timedelta(days=1)
    )
    assert numbers(signed_in_head, deadline="overdue") == {overdue.number}
    assert numbers(signed_in_head, deadline="due_soon") == {soon.number}
    page = signed_in_head.get(reverse("cases:list")).content.decode()
    assert page.count('<tr class="overdue">') == 1
    assert page.count('<tr class="due_soon">') == 1
    assert "Quá hạn" in page
    assert "Sắp đến hạn" in page


def test_the_next_step_is_shown_with_its_due_date(signed_in_head, make_case):
    make_case(received_on=D(2026, 3, 2))
    page = signed_in_head.get(reverse("cases:list")).content.decode()
    assert "Xử lý đơn<br>" in page
    assert "11/03/2026" in page


def test_pages_of_25_keep_the_filters(signed_in_head, make_case):
    for _ in range(26):
        make_case(kind=Case.Kind.FEEDBACK)
    make_case(kind=Case.Kind.COMPLAINT)
    first = signed_in_head.get(reverse("cases:list"), {"kind": "feedback"})
    assert len(first.context["rows"]) == 25
    assert "kind=feedback&amp;page=2" in first.content.decode()
    second = signed_in_head.get(reverse("cases:list"), {"kind": "feedback", "page": "2"})
    assert len(second.context["rows"]) == 1
    assert second.context["rows"][0][0].kind == Case.Kind.FEEDBACK
