"""The citizen reception log: sessions, visits, and petitions registered from a visit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from intake import services
from intake.models import ReceptionSession, ReceptionVisit

D = dt.date


@pytest.fixture
def session(intake_officer):
    return services.reception_session_create(
        by=intake_officer,
        held_on=D(2026, 4, 21),
        kind=ReceptionSession.Kind.REGULAR,
        host=intake_officer,
        location="Phòng tiếp công dân",
    )


def test_officer_logs_a_regular_session(client, intake_officer):
    client.force_login(intake_officer)
    response = client.post(
        reverse("intake:session_create"),
        {"held_on": "21/04/2026", "kind": "regular", "location": "Phòng tiếp công dân"},
        follow=True,
    )
    session = ReceptionSession.objects.get()
    assert response.redirect_chain[-1][0] == reverse("intake:session", args=[session.pk])
    assert "Đã ghi sổ buổi tiếp công dân." in response.content.decode()
    assert (session.held_on, session.kind, session.created_by) == (
        D(2026, 4, 21),
        "regular",
        intake_officer,
    )


def test_the_heads_periodic_session_says_whether_in_person_or_delegated(
    client, intake_officer, head
):
    client.force_login(intake_officer)
    missing = client.post(
        reverse("intake:session_create"), {"held_on": "15/04/2026", "kind": "periodic"}
    )
    assert "Hãy chọn Thủ trưởng trực tiếp tiếp hay ủy quyền cấp phó." in missing.content.decode()
    assert not ReceptionSession.objects.exists()
    client.post(
        reverse("intake:session_create"),
        {"held_on": "15/04/2026", "kind": "ad_hoc", "mode": "delegated", "host": head.pk},
    )
    session = ReceptionSession.objects.get()
    assert (session.kind, session.mode, session.host) == ("ad_hoc", "delegated", head)


def test_a_session_in_the_future_is_refused(client, intake_officer):
    client.force_login(intake_officer)
    later = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("intake:session_create"), {"held_on": f"{later:%d/%m/%Y}", "kind": "regular"}
    )
    assert "Chỉ ghi sổ buổi tiếp đã diễn ra." in response.content.decode()


def test_five_people_make_a_large_group_by_themselves(client, intake_officer, session):
    client.force_login(intake_officer)
    response = client.post(
        reverse("intake:visit_add", args=[session.pk]),
        {
            "visit-people_count": "6",
            "visit-subject": "complaint",
            "visit-is_repeat": "1",
            "visit-summary": "Khiếu nại việc thu hồi giấy phép",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Đã ghi lượt tiếp: đoàn đông người (6 người)." in page
    visit = ReceptionVisit.objects.get()
    assert (visit.people_count, visit.is_large_group, visit.is_repeat) == (6, True, True)
    client.post(
        reverse("intake:visit_add", args=[session.pk]),
        {"visit-people_count": "4", "visit-subject": "recommendation", "visit-is_repeat": "0"},
    )
    small = ReceptionVisit.objects.exclude(pk=visit.pk).get()
    assert (small.is_large_group, small.is_repeat) == (False, False)


def test_a_visit_without_people_is_refused(client, intake_officer, session):
    client.force_login(intake_officer)
    response = client.post(
        reverse("intake:visit_add", args=[session.pk]),
        {"visit-people_count": "0", "visit-subject": "complaint", "visit-is_repeat": "0"},
    )
    assert response.status_code == 200
    assert "Số người phải từ 1 trở lên." in response.content.decode()
    assert not ReceptionVisit.objects.exists()


def test_register_from_a_visit_preselects_it_and_the_in_person_channel(
    client, intake_officer, session
):
    visit = services.reception_visit_add(session=session, subject="denunciation")
    client.force_login(intake_officer)
    page = client.get(reverse("intake:session", args=[session.pk])).content.decode()
    link = f"{reverse('intake:register')}?visit={visit.pk}"
    assert link in page
    form = client.get(link).context["form"]
    assert form.initial["reception_visit"] == visit.pk
    assert form.initial["channel"] == Case.Channel.IN_PERSON
    assert form.initial["received_on"] == D(2026, 4, 21)


def test_petition_from_a_visit_is_listed_on_the_session(
    client, intake_officer, other_officer, session, make_case
):
    visit = services.reception_visit_add(session=session, subject="denunciation")
    case = make_case(
        received_on=D(2026, 4, 21), channel=Case.Channel.IN_PERSON, reception_visit=visit
    )
    client.force_login(intake_officer)
    page = client.get(reverse("intake:session", args=[session.pk])).content.decode()
    assert f'href="{reverse("cases:detail", args=[case.pk])}">{case.number}</a>' in page
    # A colleague sees the number but gets no link once the case has left the queue.
    from cases import services as case_services
    from cases.models import Case as CaseModel

    case_services.case_decide(case=case, by=intake_officer, decision=CaseModel.Decision.FILED)
    client.force_login(other_officer)
    page = client.get(reverse("intake:session", args=[session.pk])).content.decode()
    assert case.number in page
    assert reverse("cases:detail", args=[case.pk]) not in page


def test_a_visit_petition_dated_another_day_than_the_session_is_refused(
    client, intake_officer, session, field
):
    from tests.test_intake import petition_post

    visit = services.reception_visit_add(session=session, subject="denunciation")
    client.force_login(intake_officer)
    response = client.post(
        reverse("intake:register"),
        petition_post(
            field, channel="in_person", received_on="22/04/2026", reception_visit=str(visit.pk)
        ),
    )
    assert "Buổi tiếp diễn ra ngày 21/04/2026" in response.content.decode()
    assert not Case.objects.exists()


def test_sessions_are_filtered_by_period_and_kind_with_totals(client, intake_officer, head):
    for day, kind, mode in [
        (D(2026, 3, 3), "regular", ""),
        (D(2026, 4, 15), "periodic", "in_person"),
        (D(2026, 4, 21), "regular", ""),
    ]:
        session = services.reception_session_create(
            by=intake_officer, held_on=day, kind=kind, mode=mode
        )
        services.reception_visit_add(session=session, subject="complaint", people_count=2)
        services.reception_visit_add(session=session, subject="denunciation", people_count=7)
    client.force_login(intake_officer)
    response = client.get(
        reverse("intake:sessions"), {"start": "01/04/2026", "end": "30/04/2026", "kind": "regular"}
    )
    rows = list(response.context["page"].object_list)
    assert [s.held_on for s in rows] == [D(2026, 4, 21)]
    assert (rows[0].visit_count, rows[0].people, rows[0].large_groups) == (2, 9, 1)
    assert response.context["totals"] == {"visit_count": 2, "people": 9, "large_groups": 1}
    everything = client.get(reverse("intake:sessions"))
    assert everything.context["totals"] == {"visit_count": 6, "people": 27, "large_groups": 3}


def test_reception_menu_entry_for_who_logs_reception(client, intake_officer, verifier):
    client.force_login(intake_officer)
    assert "Tiếp công dân" in client.get(reverse("home")).content.decode()
    client.force_login(verifier)
    assert "Tiếp công dân" not in client.get(reverse("home")).content.decode()
