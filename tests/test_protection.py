"""Reporter protection (Chapter VI, Law on Denunciations; Decree 31/2019): requests with the
persons to protect, the head's decision, measures, the end of protection, retaliation reports;
each on the case's timeline, none showing a protected person's identity."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseEvent
from protection import services
from protection.models import (
    ProtectedPerson,
    ProtectionMeasure,
    ProtectionRequest,
    Reporter,
    RetaliationReport,
)
from protection.services import MeasureData, PersonData, ProtectionError

SPOUSE_NAME = "Trần Thị Vợ-Bí-Mật"
SPOUSE_PHONE = "0933 222 111"


@pytest.fixture
def case(make_case, head, verifier):
    case = make_case(received_on=timezone.localdate() - dt.timedelta(days=20))
    case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    case_services.case_assign(case=case, user=verifier, by=head)
    return Case.objects.get(pk=case.pk)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def request_form(case, **extra):
    reporter = Reporter.objects.get(case=case)
    data = {
        "received_on": f"{days_ago(5):%d/%m/%Y}",
        "channel": "phone_emergency",
        "reason": "Bị nhắn tin đe dọa sau khi nộp đơn tố cáo",
        "requested_measures": ["life_health", "secrecy"],
        "persons-TOTAL_FORMS": "2",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "1000",
        "persons-0-relation": "reporter",
        "persons-0-reporter": str(reporter.pk),
        "persons-1-relation": "spouse",
        "persons-1-reporter": str(reporter.pk),
        "persons-1-full_name": SPOUSE_NAME,
        "persons-1-phone": SPOUSE_PHONE,
    }
    data.update(extra)
    return data


@pytest.fixture
def protection_request(case, intake_officer):
    reporter = Reporter.objects.get(case=case)
    return services.protection_request_record(
        case=case,
        by=intake_officer,
        received_on=days_ago(5),
        channel=ProtectionRequest.Channel.PHONE_EMERGENCY,
        reason="Bị nhắn tin đe dọa",
        requested_measures=["life_health", "secrecy"],
        persons=[
            PersonData(relation="reporter", reporter=reporter),
            PersonData(
                relation="spouse", reporter=reporter, full_name=SPOUSE_NAME, phone=SPOUSE_PHONE
            ),
        ],
    )


def test_intake_officer_records_a_request_with_persons_to_protect(client, case, intake_officer):
    client.force_login(intake_officer)
    url = reverse("protection:request_create", args=[case.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, request_form(case))

    assert response.status_code == 302
    request = ProtectionRequest.objects.get()
    assert request.status == "pending"
    assert request.requested_measures == ["secrecy", "life_health"]
    spouse = request.persons.get(relation="spouse")
    assert spouse.full_name == SPOUSE_NAME  # encrypted at rest, readable in Python
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, phone FROM protection_protectedperson")
        assert SPOUSE_NAME not in repr(cursor.fetchall())
    assert case.events.filter(kind=CaseEvent.Kind.PROTECTION_REQUESTED).count() == 1
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_a_relative_needs_a_name_and_the_reporter_needs_none(client, case, intake_officer):
    client.force_login(intake_officer)
    url = reverse("protection:request_create", args=[case.pk])
    response = client.post(url, request_form(case, **{"persons-1-full_name": ""}))
    assert response.status_code == 200
    assert "Hãy ghi họ và tên người thân" in response.content.decode()
    assert not ProtectionRequest.objects.exists()


def test_verifier_sees_that_protection_exists_but_not_its_details(
    client, case, protection_request, verifier
):
    """Reasons, measures and who carries them out point at the reporter (Art. 56)."""
    client.force_login(verifier)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Bảo vệ người tố cáo" in page
    assert "Chờ quyết định" in page
    detail_url = reverse("protection:request_detail", args=[protection_request.pk])
    assert detail_url not in page
    assert client.get(detail_url).status_code == 403
    assert SPOUSE_NAME not in page and SPOUSE_PHONE not in page and "Marker-Secret" not in page
    # Recording and deciding are for others.
    assert client.get(reverse("protection:request_create", args=[case.pk])).status_code == 403
    decide = reverse("protection:request_decide", args=[protection_request.pk])
    assert client.get(decide).status_code == 403


def test_who_records_protection_sees_the_request_with_pseudonyms_only(
    client, case, protection_request, head
):
    client.force_login(head)
    body = client.get(reverse("protection:request_detail", args=[protection_request.pk]))
    body = body.content.decode()
    assert "Vợ hoặc chồng của Người tố cáo A" in body
    assert SPOUSE_NAME not in body and SPOUSE_PHONE not in body and "Marker-Secret" not in body
    assert "chưa nhận văn bản bổ sung" in body


def test_three_actors_on_the_request_page(
    client, case, protection_request, head, verifier, other_verifier, outsider
):
    url = reverse("protection:request_detail", args=[protection_request.pk])
    client.force_login(head)
    assert client.get(url).status_code == 200
    client.force_login(verifier)  # assigned to the case, but not entitled to the details
    assert client.get(url).status_code == 403
    client.force_login(other_verifier)
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_head_grants_with_measures_and_ends_protection(client, case, protection_request, head):
    client.force_login(head)
    url = reverse("protection:request_decide", args=[protection_request.pk])
    response = client.post(
        url,
        {
            "decision": "grant",
            "decided_on": f"{days_ago(4):%d/%m/%Y}",
            "document_number": "12/QĐ-TTr",
            "reason": "",
            "measures-TOTAL_FORMS": "1",
            "measures-INITIAL_FORMS": "0",
            "measures-MIN_NUM_FORMS": "0",
            "measures-MAX_NUM_FORMS": "1000",
            "measures-0-kind": "life_health",
            "measures-0-carried_out_by": "Công an phường 5",
            "measures-0-started_on": f"{days_ago(4):%d/%m/%Y}",
        },
    )
    assert response.status_code == 302
    protection_request.refresh_from_db()
    assert protection_request.status == "granted"
    measure = protection_request.measures.get()
    assert (measure.kind, measure.status) == ("life_health", "in_force")

    services.protection_end(
        request=protection_request, by=head, ended_on=days_ago(1), reason="Hết nguy cơ"
    )

    protection_request.refresh_from_db()
    measure.refresh_from_db()
    assert protection_request.status == "ended"
    assert (measure.status, measure.ended_on) == ("ended", days_ago(1))
    kinds = list(case.events.values_list("kind", flat=True))
    for kind in (
        "protection_requested",
        "protection_decided",
        "protection_measure",
        "protection_ended",
    ):
        assert kind in kinds


def test_the_timeline_verifiers_read_names_no_one_carrying_out_a_measure(
    client, case, protection_request, head, verifier
):
    services.protection_decide(
        request=protection_request,
        by=head,
        grant=True,
        decided_on=days_ago(3),
        reason="Người tố cáo bị đe dọa tại nơi làm việc ở Công ty MARKER-EMPLOYER",
        measures=[
            services.MeasureData(
                kind="job",
                carried_out_by="Giám đốc Công ty MARKER-EMPLOYER",
                started_on=days_ago(3),
            )
        ],
    )
    services.protection_end(
        request=protection_request, by=head, ended_on=days_ago(1), reason="MARKER-EMPLOYER đã xử lý"
    )
    client.force_login(verifier)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Áp dụng: bảo vệ vị trí công tác, việc làm." in page
    assert "MARKER-EMPLOYER" not in page


def test_granting_needs_a_measure_and_refusing_needs_reasons(protection_request, head):
    with pytest.raises(ProtectionError, match="ít nhất một biện pháp"):
        services.protection_decide(
            request=protection_request, by=head, grant=True, decided_on=days_ago(3)
        )
    with pytest.raises(ProtectionError, match="lý do"):
        services.protection_decide(
            request=protection_request, by=head, grant=False, decided_on=days_ago(3)
        )
    services.protection_decide(
        request=protection_request,
        by=head,
        grant=False,
        decided_on=days_ago(3),
        reason="Không có căn cứ cho thấy bị đe dọa",
    )
    protection_request.refresh_from_db()
    assert protection_request.status == "refused"
    event = case_event(protection_request, CaseEvent.Kind.PROTECTION_DECIDED)
    # The reasons stay on the request; the timeline, which verifiers read, says only the outcome.
    assert event.note == "Không áp dụng."


def case_event(protection_request, kind):
    return protection_request.case.events.get(kind=kind)


def test_only_the_head_decides(protection_request, intake_officer, verifier):
    for user in (intake_officer, verifier):
        with pytest.raises(PermissionDenied):
            services.protection_decide(
                request=protection_request,
                by=user,
                grant=False,
                decided_on=days_ago(1),
                reason="x",
            )


def test_an_emergency_request_by_phone_is_followed_by_a_written_one(
    client, protection_request, intake_officer
):
    client.force_login(intake_officer)
    url = reverse("protection:request_followup", args=[protection_request.pk])
    response = client.post(url, {"on": f"{days_ago(3):%d/%m/%Y}"})
    assert response.status_code == 302
    protection_request.refresh_from_db()
    assert protection_request.written_followup_on == days_ago(3)


def test_measures_are_added_and_ended_one_by_one(protection_request, head):
    services.protection_decide(
        request=protection_request,
        by=head,
        grant=True,
        decided_on=days_ago(4),
        measures=[MeasureData("secrecy", "Thanh tra Sở", days_ago(4))],
    )
    job = services.protection_measure_add(
        request=protection_request,
        by=head,
        measure=MeasureData("job", "Giám đốc Sở", days_ago(2)),
    )
    services.protection_measure_end(measure=job, by=head, ended_on=days_ago(1), note="Đã ổn định")
    statuses = dict(ProtectionMeasure.objects.values_list("kind", "status"))
    assert statuses == {"secrecy": "in_force", "job": "ended"}
    assert (
        protection_request.case.events.filter(kind=CaseEvent.Kind.PROTECTION_MEASURE).count() == 3
    )


def test_a_retaliation_report_is_recorded_then_handled(client, case, intake_officer, verifier):
    client.force_login(intake_officer)
    response = client.post(
        reverse("protection:retaliation_create", args=[case.pk]),
        {"reported_on": f"{days_ago(2):%d/%m/%Y}", "description": "Bị điều chuyển công tác"},
    )
    assert response.status_code == 302
    report = RetaliationReport.objects.get()
    assert report.status == "open"
    assert case.events.filter(kind=CaseEvent.Kind.RETALIATION_REPORTED).count() == 1

    client.post(
        reverse("protection:retaliation_update", args=[report.pk]),
        {"action_taken": "Đề nghị hủy quyết định điều chuyển", "handled_on": ""},
    )
    report.refresh_from_db()
    assert (report.status, report.action_taken) == ("open", "Đề nghị hủy quyết định điều chuyển")
    client.post(
        reverse("protection:retaliation_update", args=[report.pk]),
        {"action_taken": "Đã hủy quyết định điều chuyển", "handled_on": f"{days_ago(1):%d/%m/%Y}"},
    )
    report.refresh_from_db()
    assert report.status == "handled"
    client.force_login(verifier)
    assert (
        client.post(
            reverse("protection:retaliation_create", args=[case.pk]),
            {"reported_on": f"{days_ago(1):%d/%m/%Y}", "description": "x"},
        ).status_code
        == 403
    )


def test_protected_persons_identity_appears_only_in_a_logged_reveal(
    client, case, protection_request, head
):
    client.force_login(head)
    url = reverse("protection:identity_reveal", args=[case.pk])
    token = client.get(url).context["form"].initial["token"]
    response = client.post(
        url,
        {
            "token": token,
            "reason": "Phối hợp công an bảo vệ",
            "fields_shown": ["full_name", "phone"],
        },
    )
    body = response.content.decode()
    assert SPOUSE_NAME in body and SPOUSE_PHONE in body
    assert "Vợ hoặc chồng (Người tố cáo A)" in body


def test_the_protection_list_query_count_does_not_grow(
    client, make_case, head, intake_officer, django_assert_num_queries
):
    def requests(count):
        for _ in range(count):
            case = make_case()
            services.protection_request_record(
                case=case,
                by=intake_officer,
                received_on=case.received_on,
                channel="written",
                reason="Bị đe dọa",
                requested_measures=["secrecy"],
                persons=[PersonData(relation="reporter", reporter=case.reporters.get())],
            )

    requests(2)
    client.force_login(head)
    url = reverse("protection:request_list")
    client.get(url)
    # session, user, user permissions, group permissions, count, one page of requests with
    # their cases and counts
    with django_assert_num_queries(6):
        client.get(url)
    requests(3)
    with django_assert_num_queries(6):
        client.get(url)


def test_a_protected_person_prints_without_identity(protection_request):
    spouse = ProtectedPerson.objects.get(relation="spouse")
    assert SPOUSE_NAME not in str(spouse) + repr(spouse)
    assert "Vợ hoặc chồng" in str(spouse)
