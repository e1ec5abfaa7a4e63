from django.urls import reverse

from cases import services
from cases.models import Assignment, Case, CaseConflict, CaseEvent
from tests.conftest import REPORTER


def test_case_admin_shows_metadata_but_no_content_or_identity(client, administrator, make_case):
    case = make_case(summary="Nội dung tóm tắt bí mật", accused="Người bị tố cáo X")
    client.force_login(administrator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert case.number in page
    for hidden in ("Nội dung tóm tắt bí mật", "Người bị tố cáo X", REPORTER.full_name, "fernet"):
        assert hidden not in page
    listing = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert case.number in listing
    assert "Nội dung tóm tắt bí mật" not in listing


def test_admin_offers_no_reporter_model(client, administrator):
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Người gửi đơn" not in index
    assert client.get("/admin/protection/reporter/").status_code == 404


def assignment_post(case, user_pk, **extra):
    data = {
        "assignments-TOTAL_FORMS": "1",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-user": str(user_pk),
        "assignments-0-case": str(case.pk),
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
        "conflicts-MIN_NUM_FORMS": "0",
        "conflicts-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_assignment_in_admin_goes_on_the_timeline(client, administrator, make_case, head, verifier):
    case = make_case()
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_case_change", args=[case.pk]), assignment_post(case, verifier.pk)
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(case=case, user=verifier).exists()
    event = case.events.get(kind=CaseEvent.Kind.ASSIGNED)
    assert event.actor == administrator
    case.refresh_from_db()
    assert case.status == Case.Status.VERIFYING


def test_admin_refuses_to_assign_a_related_staff_member(
    client, administrator, make_case, head, verifier
):
    case = make_case()
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    services.case_declare_conflict(
        case=case, user=verifier, reason=CaseConflict.Reason.RELATED, by=head
    )
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_case_change", args=[case.pk]), assignment_post(case, verifier.pk)
    )
    assert response.status_code == 200
    assert "có quan hệ với vụ việc" in response.content.decode()
    assert not Assignment.objects.filter(case=case).exists()
