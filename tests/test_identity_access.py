"""Need-to-know: who sees a reporter's identity, how (a deliberate, logged, one-time reveal),
how others ask for it, and how a typo in it is corrected without its history showing values."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseConflict, CaseEvent
from protection import services
from protection.models import IdentityAccessRequest, IdentityReveal, Reporter
from protection.selectors import reporters_matching
from protection.services import ReporterData
from tests.conftest import REPORTER

MARKERS = ("Marker-Secret", "096123456789", "0912 345 678", "Lý Thường Kiệt", "marker@example")


def shows_identity(response) -> bool:
    body = response.content.decode()
    return any(marker in body for marker in MARKERS)


@pytest.fixture
def case(make_case, head, verifier):
    case = make_case()
    case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    case_services.case_assign(case=case, user=verifier, by=head)
    return Case.objects.get(pk=case.pk)


def reveal_url(case):
    return reverse("protection:identity_reveal", args=[case.pk])


def open_reveal_form(client, case) -> str:
    """GET the reveal form and return its one-time token."""
    response = client.get(reveal_url(case))
    assert response.status_code == 200
    return response.context["form"].initial["token"]


def reveal(client, case, *, fields=None, reason="Cần liên hệ để xác minh thêm nội dung tố cáo"):
    token = open_reveal_form(client, case)
    data = {
        "token": token,
        "reason": reason,
        "fields_shown": fields or ["full_name", "id_number", "phone", "address", "email"],
    }
    return client.post(reveal_url(case), data, HTTP_USER_AGENT="Chromium test"), data


# --- Who sees what ---------------------------------------------------------------------------


def test_verifier_sees_the_pseudonym_and_may_only_ask(client, case, verifier):
    client.force_login(verifier)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    body = page.content.decode()
    assert "Người tố cáo A" in body
    assert not shows_identity(page)
    assert f'href="{reveal_url(case)}"' not in body
    assert reverse("protection:access_request_create", args=[case.pk]) in body
    assert client.get(reveal_url(case)).status_code == 403


@pytest.mark.parametrize("who", ["head", "intake_officer"])
def test_head_and_registering_officer_are_offered_the_reveal(client, case, who, request):
    client.force_login(request.getfixturevalue(who))
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{reveal_url(case)}"' in body
    assert "Người tố cáo A" in body
    assert not any(marker in body for marker in MARKERS)  # shown only after a deliberate reveal


def test_three_actors_on_the_reveal_screen(client, make_case, intake_officer, other_officer):
    case = make_case()  # in the intake queue: both officers may open it
    client.force_login(intake_officer)  # registered it: may reveal
    assert client.get(reveal_url(case)).status_code == 200
    client.force_login(other_officer)  # same role, did not register it: may not
    assert client.get(reveal_url(case)).status_code == 403
    assert client.post(reveal_url(case), {"reason": "x" * 20}).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "auditor", "administrator", "other_verifier"])
def test_those_who_cannot_open_the_case_get_a_404(client, case, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reveal_url(case)).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_a_head_related_to_the_case_cannot_reveal_it(client, case, head, make_user):
    from accounts import roles

    related_head = make_user("ngoc", roles.HEAD)
    case_services.case_declare_conflict(
        case=case, user=related_head, reason=CaseConflict.Reason.RELATED, by=head
    )
    client.force_login(related_head)
    assert client.get(reveal_url(case)).status_code == 404


# --- The reveal ------------------------------------------------------------------------------


def test_reveal_shows_identity_once_and_logs_who_when_what_why_and_where(client, case, head):
    client.force_login(head)
    assert not IdentityReveal.objects.exists()

    response, data = reveal(client, case)

    assert response.status_code == 200
    assert REPORTER.full_name in response.content.decode()
    assert REPORTER.phone in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    logged = IdentityReveal.objects.get()
    assert logged.user == head
    assert logged.case == case
    assert logged.fields == ["full_name", "id_number", "phone", "address", "email"]
    assert logged.reason == data["reason"]
    assert logged.ip_address == "127.0.0.1"
    assert logged.user_agent == "Chromium test"
    assert logged.basis == "head"
    assert timezone.now() - logged.revealed_at < dt.timedelta(minutes=1)
    event = case.events.get(kind=CaseEvent.Kind.IDENTITY_REVEALED)
    assert event.actor == head and REPORTER.full_name not in repr(event.data) + event.note
    # Nothing kept: the session holds no identity and the case page shows none.
    assert REPORTER.full_name not in repr(dict(client.session.items()))
    assert not shows_identity(client.get(reverse("cases:detail", args=[case.pk])))

    again = client.post(reveal_url(case), data)  # a reload re-sends the same form

    assert not shows_identity(again)
    assert "đã được dùng" in again.content.decode()
    assert IdentityReveal.objects.count() == 1


def test_reveal_shows_only_the_fields_chosen(client, case, head):
    client.force_login(head)
    response, _data = reveal(client, case, fields=["phone"])
    body = response.content.decode()
    assert REPORTER.phone in body
    assert REPORTER.full_name not in body
    assert IdentityReveal.objects.get().fields == ["phone"]


def test_reveal_without_a_reason_shows_nothing_and_logs_nothing(client, case, head):
    client.force_login(head)
    token = open_reveal_form(client, case)
    response = client.post(
        reveal_url(case), {"token": token, "reason": "", "fields_shown": ["phone"]}
    )
    assert response.status_code == 200
    assert not shows_identity(response)
    assert not IdentityReveal.objects.exists()


def test_a_forged_or_foreign_token_shows_nothing(client, case, head, intake_officer):
    client.force_login(intake_officer)
    someone_elses = open_reveal_form(client, case)
    client.force_login(head)
    for token in ("forged", someone_elses):
        response = client.post(
            reveal_url(case),
            {"token": token, "reason": "Cần xác minh nhân thân", "fields_shown": ["phone"]},
        )
        assert not shows_identity(response)
    assert not IdentityReveal.objects.exists()


def test_identity_views_hide_post_data_from_error_reports(client, case, head):
    client.force_login(head)
    response, _data = reveal(client, case)
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_reporter_repr_and_data_objects_never_print_identity(case):
    reporter = Reporter.objects.get(case=case)
    assert REPORTER.full_name not in repr(reporter) + str(reporter)
    assert REPORTER.full_name not in repr(REPORTER)


# --- Access requests -------------------------------------------------------------------------


def ask(client, case, reason="Cần đối chất với người tố cáo về tài liệu đã nộp"):
    return client.post(
        reverse("protection:access_request_create", args=[case.pk]), {"reason": reason}
    )


def decide(client, request, decision, reason, days=""):
    return client.post(
        reverse("protection:access_request_decide", args=[request.pk]),
        {"decision": decision, "reason": reason, "days": days},
    )


def test_verifier_asks_the_head_grants_and_the_verifier_reveals_until_it_expires(
    client, case, verifier, head, settings
):
    settings.IDENTITY_ACCESS_DAYS = 3
    client.force_login(verifier)
    assert ask(client, case).status_code == 302
    request = IdentityAccessRequest.objects.get()
    assert request.status == "pending"
    assert case.events.filter(kind=CaseEvent.Kind.IDENTITY_ACCESS_REQUESTED).exists()

    client.force_login(head)
    pending = client.get(reverse("protection:access_requests")).content.decode()
    assert case.number in pending and request.reason in pending
    assert decide(client, request, "grant", "Đồng ý để đối chất").status_code == 302

    request.refresh_from_db()
    assert request.status == "granted"
    assert dt.timedelta(days=3) - (request.valid_until - request.decided_at) < dt.timedelta(
        seconds=1
    )
    client.force_login(verifier)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Đồng ý để đối chất" in page
    response, _data = reveal(client, case)
    assert REPORTER.full_name in response.content.decode()
    logged = IdentityReveal.objects.get()
    assert (logged.basis, logged.access_request) == ("grant", request)
    assert case.events.filter(kind=CaseEvent.Kind.IDENTITY_ACCESS_DECIDED).count() == 1


def test_an_expired_grant_no_longer_opens_the_identity(client, case, verifier, head):
    request = services.identity_access_request(
        case=case, by=verifier, reason="Cần đối chất với người tố cáo"
    )
    services.identity_access_decide(
        access_request=request,
        by=head,
        grant=True,
        reason="Đồng ý",
        days=7,
        now=timezone.now() - dt.timedelta(days=8),
    )
    client.force_login(verifier)
    assert client.get(reveal_url(case)).status_code == 403
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("protection:access_request_create", args=[case.pk]) in body


def test_head_refuses_with_a_reason_that_the_verifier_reads(client, case, verifier, head):
    request = services.identity_access_request(
        case=case, by=verifier, reason="Muốn biết ai tố cáo để tiện làm việc"
    )
    client.force_login(head)
    assert decide(client, request, "refuse", "").status_code == 200  # a reason is required
    decide(client, request, "refuse", "Không cần thiết cho việc xác minh")
    client.force_login(verifier)
    mine = client.get(reverse("protection:access_requests")).content.decode()
    assert "Từ chối" in mine and "Không cần thiết cho việc xác minh" in mine
    assert client.get(reveal_url(case)).status_code == 403


def test_asking_twice_while_a_request_is_pending_is_refused(client, case, verifier):
    client.force_login(verifier)
    ask(client, case)
    second = ask(client, case)
    assert "đang chờ lãnh đạo quyết định" in second.content.decode()
    assert IdentityAccessRequest.objects.count() == 1


def test_only_the_head_decides_and_not_on_a_case_they_cannot_open(
    client, case, verifier, other_verifier, head, make_user
):
    from accounts import roles

    request = services.identity_access_request(case=case, by=verifier, reason="Cần đối chất")
    client.force_login(other_verifier)
    assert decide(client, request, "grant", "tự cho phép").status_code == 403
    related_head = make_user("ngoc", roles.HEAD)
    case_services.case_declare_conflict(
        case=case, user=related_head, reason=CaseConflict.Reason.RELATED, by=head
    )
    client.force_login(related_head)
    assert decide(client, request, "grant", "Đồng ý").status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_request_and_decision_are_on_the_timeline_with_their_reasons(case, verifier, head):
    request = services.identity_access_request(case=case, by=verifier, reason="Cần đối chất")
    services.identity_access_decide(access_request=request, by=head, grant=False, reason="Chưa cần")
    kinds = list(case.events.values_list("kind", "note").order_by("id"))
    assert (CaseEvent.Kind.IDENTITY_ACCESS_REQUESTED, "Cần đối chất") in kinds
    assert (CaseEvent.Kind.IDENTITY_ACCESS_DECIDED, "Chưa cần") in kinds


def test_head_list_query_count_does_not_grow(
    client, make_case, head, verifier, django_assert_num_queries
):
    def requests(count):
        for _ in range(count):
            case = make_case()
            case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
            case_services.case_assign(case=case, user=verifier, by=head)
            services.identity_access_request(case=case, by=verifier, reason="Cần đối chất")

    requests(2)
    client.force_login(head)
    url = reverse("protection:access_requests")
    client.get(url)
    # session, user, user permissions, group permissions, pending requests with their cases
    # and requesters, recently decided ones
    with django_assert_num_queries(6):
        client.get(url)
    requests(3)
    with django_assert_num_queries(6):
        client.get(url)


# --- Correcting a typo -----------------------------------------------------------------------


def correct_url(case, reporter):
    return reverse("protection:reporter_correct", args=[case.pk, reporter.pk])


def test_registering_officer_corrects_a_typo_and_the_history_names_fields_not_values(
    client, make_case, intake_officer
):
    case = make_case()
    reporter = Reporter.objects.get(case=case)
    url = correct_url(case, reporter)
    client.force_login(intake_officer)
    token = client.get(url).context["form"].initial["token"]

    opened = client.post(
        url, {"step": "open", "token": token, "reason": "Sai số điện thoại khi nhập"}
    )

    assert REPORTER.phone in opened.content.decode()  # the current values, to edit
    assert "no-store" in opened["Cache-Control"]
    edit = opened.context["form"].initial
    saved = client.post(
        url, {**edit, "step": "save", "phone": "0912 345 679", "email": REPORTER.email}
    )

    assert saved.status_code == 302
    reporter.refresh_from_db()
    assert reporter.phone == "0912 345 679"
    assert reporters_matching(ReporterData(full_name="", phone="0912345679")).exists()
    actions = list(IdentityReveal.objects.order_by("id").values_list("action", "fields"))
    assert actions == [("view", list(edit_fields())), ("correct", ["phone"])]
    history = client.get(reverse("protection:identity_history", args=[case.pk]))
    body = history.content.decode()
    assert "số điện thoại" in body and "Sai số điện thoại khi nhập" in body
    assert "0912 345 679" not in body and REPORTER.phone not in body
    assert not shows_identity(client.get(reverse("cases:detail", args=[case.pk])))


def edit_fields():
    return ("full_name", "id_number", "phone", "address", "email")


def test_a_correction_form_cannot_be_saved_twice(client, make_case, intake_officer):
    case = make_case()
    reporter = Reporter.objects.get(case=case)
    url = correct_url(case, reporter)
    client.force_login(intake_officer)
    token = client.get(url).context["form"].initial["token"]
    edit = client.post(url, {"step": "open", "token": token, "reason": "Sai họ tên khi nhập"})
    data = {**edit.context["form"].initial, "step": "save", "full_name": "Võ Thị Marker-Sửa"}
    client.post(url, data)
    client.post(url, {**data, "full_name": "Lần hai"})
    assert Reporter.objects.get(pk=reporter.pk).full_name == "Võ Thị Marker-Sửa"


def test_a_grant_lets_a_verifier_read_but_not_correct(client, case, verifier, head):
    request = services.identity_access_request(case=case, by=verifier, reason="Cần đối chất")
    services.identity_access_decide(access_request=request, by=head, grant=True, reason="Đồng ý")
    client.force_login(verifier)
    assert client.get(correct_url(case, Reporter.objects.get(case=case))).status_code == 403
    assert client.get(reveal_url(case)).status_code == 200


def test_history_screen_for_authorised_users_and_the_auditor_only(
    client, case, head, verifier, auditor, outsider
):
    url = reverse("protection:identity_history", args=[case.pk])
    client.force_login(head)
    assert client.get(url).status_code == 200
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    client.force_login(verifier)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
