import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent
from protection.identity import identity_problems
from protection.models import Reporter


def petition_post(field, **overrides):
    data = {
        "channel": "post",
        "received_on": "2026-03-02",
        "complaint_round": "1",
        "contents-TOTAL_FORMS": "1",
        "contents-INITIAL_FORMS": "0",
        "contents-MIN_NUM_FORMS": "1",
        "contents-MAX_NUM_FORMS": "20",
        "contents-0-kind": "denunciation",
        "contents-0-field": str(field.pk),
        "contents-0-summary": "Tài khoản Facebook đăng tin sai sự thật",
        "contents-0-accused": "Chủ tài khoản “Sự thật”",
        "reporters-TOTAL_FORMS": "1",
        "reporters-INITIAL_FORMS": "0",
        "reporters-MIN_NUM_FORMS": "0",
        "reporters-MAX_NUM_FORMS": "50",
        "reporters-0-full_name": "Đặng Văn Marker",
        "reporters-0-id_number": "096123456780",
        "reporters-0-phone": "0913000111",
        "reporters-0-address": "Phường 5, Cà Mau",
    }
    data.update(overrides)
    return data


def test_officer_registers_a_denunciation_and_sees_a_pseudonym(client, intake_officer, field):
    client.force_login(intake_officer)
    response = client.post(reverse("intake:register"), petition_post(field), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    page = response.content.decode()
    assert "Người tố cáo A" in page
    assert "Marker" not in page
    assert case.number == "2026-0001"
    assert case.status == Case.Status.RECEIVED
    # 7 working days after Mon 02/03/2026, the day of receipt not counted
    assert case.handling_due == dt.date(2026, 3, 11)
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.RECEIVED]
    assert Reporter.objects.get(case=case).full_name == "Đặng Văn Marker"


def test_anonymous_petition_carries_no_reporter(client, intake_officer, field):
    client.force_login(intake_officer)
    data = petition_post(field, anonymous="on", **{"reporters-TOTAL_FORMS": "0"})
    client.post(reverse("intake:register"), data)
    case = Case.objects.get()
    assert case.anonymous
    assert not case.reporters.exists()


def test_anonymous_with_a_reporter_is_refused(client, intake_officer, field):
    client.force_login(intake_officer)
    response = client.post(reverse("intake:register"), petition_post(field, anonymous="on"))
    assert response.status_code == 200
    assert "Đơn nặc danh không ghi thông tin người gửi" in response.content.decode()
    assert not Case.objects.exists()


def test_petition_without_reporter_or_anonymous_flag_is_refused(client, intake_officer, field):
    client.force_login(intake_officer)
    data = petition_post(
        field,
        **{
            "reporters-0-full_name": "",
            "reporters-0-id_number": "",
            "reporters-0-phone": "",
            "reporters-0-address": "",
        },
    )
    response = client.post(reverse("intake:register"), data)
    assert "Hãy nhập ít nhất một người gửi đơn" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("id_number", "0961 2345 67", id="id-number-of-10-digits"),
        pytest.param("phone", "0912 34", id="phone-of-6-digits"),
        pytest.param("email", "marker-at-example", id="e-mail"),
    ],
)
def test_a_malformed_identity_is_refused_by_the_vaults_one_check(
    client, intake_officer, field, name, value
):
    # The same check the import and the protection forms use, with the same message.
    expected = identity_problems(full_name="Đặng Văn Marker", **{name: value})[name]
    client.force_login(intake_officer)

    response = client.post(
        reverse("intake:register"), petition_post(field, **{f"reporters-0-{name}": value})
    )

    assert response.status_code == 200
    assert response.context["reporter_formset"][0].errors == {name: [expected]}
    assert not Case.objects.exists()


def test_the_identity_check_takes_nine_or_twelve_digit_id_numbers_and_any_phone_spelling():
    assert identity_problems(full_name="A", id_number="096 123 456 789") == {}
    assert identity_problems(full_name="A", id_number="023456789") == {}
    assert identity_problems(full_name="A", phone="+84 912 345 678") == {}
    assert identity_problems(full_name="A", phone="0912.345.678") == {}
    assert set(identity_problems(full_name=" ", id_number="0961234567", phone="12")) == {
        "full_name",
        "id_number",
        "phone",
    }
    assert identity_problems(full_name="", name_required=False) == {}


def test_several_contents_become_linked_cases_each_with_the_signers(client, intake_officer, field):
    client.force_login(intake_officer)
    data = petition_post(
        field,
        **{
            "contents-TOTAL_FORMS": "2",
            "contents-1-kind": "complaint",
            "contents-1-field": str(field.pk),
            "contents-1-summary": "Khiếu nại quyết định xử phạt",
        },
    )
    client.post(reverse("intake:register"), data)
    first, second = Case.objects.order_by("id")
    assert (first.kind, second.kind) == ("denunciation", "complaint")
    assert second.related_to == first
    assert first.reporters.count() == second.reporters.count() == 1


def test_several_signers_have_one_representative(client, intake_officer, field):
    client.force_login(intake_officer)
    data = petition_post(
        field,
        **{
            "reporters-TOTAL_FORMS": "2",
            "reporters-1-full_name": "Lý Thị Hai",
            "reporters-1-is_representative": "on",
        },
    )
    client.post(reverse("intake:register"), data)
    reporters = Reporter.objects.order_by("position")
    assert [r.is_representative for r in reporters] == [False, True]


def test_second_representative_is_refused(client, intake_officer, field):
    client.force_login(intake_officer)
    data = petition_post(
        field,
        **{
            "reporters-0-is_representative": "on",
            "reporters-TOTAL_FORMS": "2",
            "reporters-1-full_name": "Lý Thị Hai",
            "reporters-1-is_representative": "on",
        },
    )
    response = client.post(reverse("intake:register"), data)
    assert "Chỉ chọn một người đại diện" in response.content.decode()


def test_same_phone_is_flagged_as_possible_duplicate_before_saving(
    client, intake_officer, field, make_case
):
    earlier = make_case()
    client.force_login(intake_officer)
    data = petition_post(
        field, **{"reporters-0-phone": "0912-345-678", "reporters-0-id_number": ""}
    )
    response = client.post(reverse("intake:register"), data)
    page = response.content.decode()
    assert "Có thể trùng với đơn" in page
    assert earlier.number in page
    assert Case.objects.count() == 1
    data["acknowledge_duplicates"] = "on"
    client.post(reverse("intake:register"), data)
    assert Case.objects.count() == 2


def test_duplicate_hint_does_not_name_a_case_the_officer_cannot_open(
    client, other_officer, field, make_case, head
):
    """Naming it would let an officer learn, without any trace in the log, that the person
    whose phone or ID number they typed filed that petition."""
    from cases import services

    earlier = make_case()
    services.case_decide(case=earlier, by=head, decision=Case.Decision.ACCEPTED)
    client.force_login(other_officer)
    data = petition_post(field, **{"reporters-0-phone": "0912345678"})
    page = client.post(reverse("intake:register"), data).content.decode()
    assert "Có thể trùng với một đơn bạn không được mở" in page
    assert earlier.number not in page
    assert reverse("cases:detail", args=[earlier.pk]) not in page
    assert "Marker-Secret" not in page


@pytest.mark.parametrize("role_fixture", ["verifier", "auditor", "outsider"])
def test_only_registering_roles_open_the_intake_form(client, db, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("intake:register")).status_code == 403


def test_petition_registered_in_an_old_reception_visit_is_linked_to_it(
    client, intake_officer, field
):
    from intake import services as intake_services

    # A session long past: not in the list of recent visits, still accepted when chosen.
    session = intake_services.reception_session_create(
        by=intake_officer, held_on=dt.date(2025, 6, 3), kind="regular"
    )
    visit = intake_services.reception_visit_add(session=session, subject="denunciation")
    client.force_login(intake_officer)
    form = client.get(reverse("intake:register"), {"visit": visit.pk}).context["form"]
    assert visit.pk in [value for value, _label in form.fields["reception_visit"].choices]
    client.post(
        reverse("intake:register"),
        petition_post(
            field, channel="in_person", received_on="03/06/2025", reception_visit=str(visit.pk)
        ),
    )
    case = Case.objects.get()
    assert (case.reception_visit, case.channel) == (visit, Case.Channel.IN_PERSON)
    # 7 working days after Tue 03/06/2025: Wed 04 (1) ... Thu 12/06/2025 (7).
    assert case.handling_due == dt.date(2025, 6, 12)


def test_a_reception_visit_needs_the_in_person_channel(client, intake_officer, field):
    from intake import services as intake_services

    session = intake_services.reception_session_create(
        by=intake_officer, held_on=dt.date(2026, 3, 2), kind="regular"
    )
    visit = intake_services.reception_visit_add(session=session, subject="denunciation")
    client.force_login(intake_officer)
    response = client.post(
        reverse("intake:register"), petition_post(field, reception_visit=str(visit.pk))
    )
    assert "Đơn nhận tại buổi tiếp công dân có nguồn “trực tiếp”." in response.content.decode()
    assert not Case.objects.exists()
