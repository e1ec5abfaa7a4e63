"""The procedure on the case page: each step is a small form posting to its own URL, shown only
to whoever may take it, landing on the timeline with who, when and why."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseConflict, CaseEvent, Evidence
from protection.models import IdentityReveal
from tests.conftest import REPORTER

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def step(client, case, slug, **fields):
    """Post one step's form as the page would (fields carry the step's prefix)."""
    data = {f"{slug}-{name}": value for name, value in fields.items()}
    return client.post(reverse(f"cases:{slug}", args=[case.pk]), data, follow=True)


def page_of(client, case):
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def panels(client, case):
    """The step panels the signed-in user is offered on the case page."""
    response = client.get(reverse("cases:detail", args=[case.pk]))
    return [panel["step"].slug for panel in response.context["panels"]]


def kinds(case):
    return list(case.events.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def accepted(make_case, head):
    """A denunciation received Mon 02/03/2026 and accepted Thu 05/03/2026."""
    case = make_case()
    return services.case_decide(
        case=case, by=head, decision=Case.Decision.ACCEPTED, on=D(2026, 3, 5)
    )


# --- Handling -------------------------------------------------------------------------------


def test_intake_officer_checks_eligibility_and_proposes_acceptance(
    client, make_case, intake_officer
):
    case = make_case()
    client.force_login(intake_officer)
    assert panels(client, case)[:2] == ["check_eligibility", "propose"]
    response = step(
        client,
        case,
        "check_eligibility",
        conditions=["written_in_vietnamese", "sender_identified", "content_clear"],
        on="03/03/2026",
        note="Đơn chưa ghi rõ đã gửi nơi khác hay chưa.",
    )
    assert "Đã ghi kết quả kiểm tra điều kiện xử lý." in response.content.decode()
    case.refresh_from_db()
    assert case.is_eligible is False
    event = case.events.get(kind=CaseEvent.Kind.ELIGIBILITY_CHECKED)
    assert (event.actor, event.effective_on) == (intake_officer, D(2026, 3, 3))
    assert "chưa được cơ quan, người có thẩm quyền xử lý" in event.details()

    step(
        client,
        case,
        "check_eligibility",
        conditions=[
            "written_in_vietnamese",
            "sender_identified",
            "content_clear",
            "not_already_handled",
        ],
        on="04/03/2026",
    )
    step(client, case, "propose", decision="accepted", on="04/03/2026", note="Thuộc thẩm quyền.")
    case.refresh_from_db()
    assert (case.is_eligible, case.proposed_decision) == (True, "accepted")
    page = page_of(client, case)
    assert "Đủ điều kiện xử lý" in page
    assert "Đề xuất: Thụ lý" in page
    assert "Thuộc thẩm quyền." in page


def test_intake_officer_is_not_offered_the_decision_and_cannot_post_it(
    client, make_case, intake_officer
):
    case = make_case()
    client.force_login(intake_officer)
    assert "decide" not in panels(client, case)
    response = step(client, case, "decide", decision="accepted", on="05/03/2026")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_head_accepts_with_document_number_and_the_resolution_due_date_appears(
    client, make_case, head
):
    # Accepted Thu 05/03/2026: resolution 30 days → Sat 04/04 → Mon 06/04/2026; the reporter
    # must be told within 5 working days: Fri 06 (1), Mon 09 ... Thu 12/03/2026 (5).
    case = make_case()
    client.force_login(head)
    response = step(
        client,
        case,
        "decide",
        decision="accepted",
        on="05/03/2026",
        document_number="15/TB-TTr",
        note="Đủ điều kiện, thuộc thẩm quyền.",
    )
    page = response.content.decode()
    assert "Đã ghi quyết định xử lý đơn." in page
    case.refresh_from_db()
    assert (case.status, case.accepted_on) == (Case.Status.ACCEPTED, D(2026, 3, 5))
    assert case.resolution_due == D(2026, 4, 6)
    assert (case.next_step, case.next_due) == ("notify", D(2026, 3, 12))
    event = case.events.get(kind=CaseEvent.Kind.ACCEPTED)
    assert (event.actor, event.document_number, event.due_on) == (head, "15/TB-TTr", D(2026, 4, 6))
    assert "Văn bản số 15/TB-TTr" in page
    assert "06/04/2026" in page


def test_forwarding_needs_the_agency(client, make_case, head):
    case = make_case()
    client.force_login(head)
    response = step(client, case, "decide", decision="forwarded", on="04/03/2026")
    assert "Hãy ghi cơ quan được chuyển đơn đến." in response.content.decode()
    decide = next(p for p in response.context["panels"] if p["step"].slug == "decide")
    assert decide["open"] is True
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED

    step(
        client,
        case,
        "decide",
        decision="forwarded",
        forwarded_to="Công an tỉnh Cà Mau",
        on="04/03/2026",
        document_number="20/CV-TTr",
    )
    case.refresh_from_db()
    assert (case.status, case.forwarded_to) == (Case.Status.FORWARDED, "Công an tỉnh Cà Mau")
    assert "Chuyển đến: Công an tỉnh Cà Mau" in page_of(client, case)


def test_a_denunciation_forwarded_to_us_is_not_forwarded_again(client, make_case, head):
    case = make_case(channel=Case.Channel.FORWARDED)
    client.force_login(head)
    response = step(
        client,
        case,
        "decide",
        decision="forwarded",
        forwarded_to="UBND huyện Cái Nước",
        on="04/03/2026",
    )
    assert "đã được chuyển một lần thì không chuyển tiếp" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        ("guided", Case.Status.GUIDED),
        ("returned", Case.Status.RETURNED),
        ("filed", Case.Status.FILED),
        ("urged", Case.Status.URGED),
    ],
)
def test_head_guides_returns_files_away_or_urges(client, make_case, head, decision, status):
    case = make_case()
    client.force_login(head)
    step(client, case, "decide", decision=decision, on="04/03/2026", note="Theo quy định.")
    case.refresh_from_db()
    assert case.status == status
    assert case.events.filter(kind=decision, actor=head, note="Theo quy định.").exists()


def test_an_anonymous_denunciation_cannot_be_accepted(client, make_case, head):
    case = make_case(anonymous=True)
    client.force_login(head)
    response = step(client, case, "decide", decision="accepted", on="04/03/2026")
    assert "Đơn nặc danh không được thụ lý" in response.content.decode()


def test_a_step_dated_in_the_future_or_before_receipt_is_refused(client, make_case, head):
    case = make_case()
    client.force_login(head)
    before = step(client, case, "decide", decision="accepted", on="01/03/2026")
    assert "không được trước ngày 02/03/2026" in before.content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = step(client, case, "decide", decision="accepted", on=f"{tomorrow:%d/%m/%Y}")
    assert "không được sau ngày hôm nay" in later.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_irreversible_steps_ask_for_confirmation(client, make_case, head):
    case = make_case()
    client.force_login(head)
    page = page_of(client, case)
    decide_form = f'action="{reverse("cases:decide", args=[case.pk])}"'
    assert decide_form in page
    assert "data-confirm=" in page.split(decide_form)[1][:200]


# --- Verification ---------------------------------------------------------------------------


def test_head_notifies_the_reporter_then_resolution_is_the_next_step(client, accepted, head):
    client.force_login(head)
    step(client, accepted, "notify", on="09/03/2026", document_number="16/TB-TTr")
    accepted.refresh_from_db()
    assert accepted.reporter_notified_on == D(2026, 3, 9)
    assert (accepted.next_step, accepted.next_due) == ("resolution", D(2026, 4, 6))
    assert "notify" not in panels(client, accepted)


def test_head_assigns_a_verifier_who_then_opens_the_case(
    client, accepted, head, verifier, other_verifier
):
    client.force_login(head)
    step(client, accepted, "assign", user=verifier.pk, is_lead="on", on="09/03/2026")
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.VERIFYING
    assert "Trần Văn Bình (chủ trì)" in page_of(client, accepted)
    client.force_login(verifier)
    assert client.get(reverse("cases:detail", args=[accepted.pk])).status_code == 200
    assert panels(client, accepted) == ["report", "note", "add_evidence", "recuse"]
    client.force_login(other_verifier)
    assert client.get(reverse("cases:detail", args=[accepted.pk])).status_code == 404


def test_head_unassigns_a_verifier(client, accepted, head, verifier):
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(head)
    step(client, accepted, "unassign", user=verifier.pk, on="10/03/2026", note="Đi công tác.")
    assert not accepted.assignments.exists()
    assert accepted.events.filter(kind=CaseEvent.Kind.UNASSIGNED, note="Đi công tác.").exists()


def test_staff_marked_as_accused_loses_the_assignment_and_the_case(
    client, accepted, head, verifier
):
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(head)
    step(
        client,
        accepted,
        "declare_conflict",
        user=verifier.pk,
        reason="accused",
        on="10/03/2026",
        note="Được nêu tên trong đơn.",
    )
    assert not accepted.assignments.exists()
    assert "Trần Văn Bình: là người bị khiếu nại, tố cáo" in page_of(client, accepted)
    # The assign form no longer offers them.
    response = client.get(reverse("cases:detail", args=[accepted.pk]))
    assign = next(p for p in response.context["panels"] if p["step"].slug == "assign")
    assert verifier not in assign["form"].fields["user"].queryset
    refused = step(client, accepted, "assign", user=verifier.pk, on="10/03/2026")
    assert "Hãy chọn một lựa chọn hợp lệ" in refused.content.decode()
    client.force_login(verifier)
    assert client.get(reverse("cases:detail", args=[accepted.pk])).status_code == 404


def test_anyone_who_opens_a_case_can_recuse(client, accepted, head, verifier):
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(verifier)
    response = step(client, accepted, "recuse", note="Người tố cáo là người quen.")
    assert response.redirect_chain[-1][0] == reverse("cases:list")
    assert "Bạn đã xin không tham gia vụ việc" in response.content.decode()
    assert CaseConflict.objects.filter(
        case=accepted, user=verifier, reason=CaseConflict.Reason.RECUSED
    ).exists()
    assert client.get(reverse("cases:detail", args=[accepted.pk])).status_code == 404
    assert not accepted.assignments.exists()


def test_verifier_writes_notes_and_the_verification_report(client, accepted, head, verifier):
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(verifier)
    step(client, accepted, "note", text="Đã làm việc với quản trị viên nhóm.")
    step(
        client,
        accepted,
        "report",
        text="Nội dung tố cáo đúng một phần; đề xuất kết luận.",
        on="30/03/2026",
    )
    page = page_of(client, accepted)
    assert "Đã làm việc với quản trị viên nhóm." in page
    assert "Nội dung tố cáo đúng một phần; đề xuất kết luận." in page
    report = accepted.events.get(kind=CaseEvent.Kind.VERIFICATION_REPORTED)
    assert (report.actor, report.effective_on) == (verifier, D(2026, 3, 30))
    assert accepted.events.filter(kind=CaseEvent.Kind.NOTE_ADDED, actor=verifier).exists()


def test_empty_note_is_refused_on_the_form(client, accepted, head):
    client.force_login(head)
    response = step(client, accepted, "note", text="  ")
    assert "Trường này là bắt buộc" in response.content.decode()
    assert not accepted.notes.exists()


# --- Evidence -------------------------------------------------------------------------------


def upload(client, case, name, content, **fields):
    data = {
        "add_evidence-upload": SimpleUploadedFile(name, content),
        "add_evidence-identifying": "no",
        **{f"add_evidence-{key}": value for key, value in fields.items()},
    }
    return client.post(reverse("cases:add_evidence", args=[case.pk]), data, follow=True)


def test_evidence_is_stored_encrypted_and_downloaded_as_an_attachment(
    client, accepted, head, verifier, other_verifier, outsider
):
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(verifier)
    response = upload(client, accepted, "bien-ban.pdf", PDF, description="Biên bản làm việc")
    assert "Đã lưu tài liệu" in response.content.decode()
    evidence = Evidence.objects.get()
    url = reverse("cases:evidence_download", args=[accepted.pk, evidence.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert accepted.events.filter(
        kind=CaseEvent.Kind.EVIDENCE_ADDED, note="Biên bản làm việc"
    ).exists()
    for stranger in (other_verifier, outsider):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_evidence_of_another_type_than_its_name_says_is_refused(client, accepted, head):
    client.force_login(head)
    response = upload(client, accepted, "anh.jpg", PDF)
    assert "Chỉ nhận tệp PDF, ảnh JPEG/PNG" in response.content.decode()
    response = upload(client, accepted, "script.html", b"<script>alert(1)</script>")
    assert "Chỉ nhận tệp PDF, ảnh JPEG/PNG" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_larger_than_the_limit_is_refused(client, accepted, head, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(head)
    response = upload(client, accepted, "lon.pdf", PDF + b"0" * (1024 * 1024))
    assert "Tệp lớn hơn giới hạn 1 MB." in response.content.decode()
    assert not Evidence.objects.exists()


def test_identifying_evidence_is_downloaded_only_by_who_may_see_the_reporter(
    client, accepted, head, verifier, intake_officer
):
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    client.force_login(intake_officer)
    upload(client, accepted, "don-goc.pdf", PDF, description="Đơn gốc viết tay", identifying="yes")
    evidence = Evidence.objects.get()
    url = reverse("cases:evidence_download", args=[accepted.pk, evidence.pk])
    reason = {"reason": "Đối chiếu chữ ký trên đơn gốc."}

    # Opening it is a reveal: a page that asks why, then the file, with the reason logged.
    asking = client.get(url)
    assert asking.status_code == 200
    assert "Lý do mở tài liệu" in asking.content.decode()
    assert client.post(url, {"reason": "ngắn"}).status_code == 200  # too short: asked again
    assert not IdentityReveal.objects.exists()
    download = client.post(url, reason)
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content == PDF
    client.force_login(head)
    assert client.post(url, reason).content == PDF
    client.force_login(verifier)
    assert client.get(url).status_code == 403
    assert client.post(url, reason).status_code == 403
    page = page_of(client, accepted)
    assert "Đơn gốc viết tay" not in page
    assert "don-goc.pdf" not in page
    assert "Tài liệu mật" in page
    log = IdentityReveal.objects.order_by("id")
    assert [(r.user, r.action, r.reason) for r in log] == [
        (intake_officer, IdentityReveal.Action.EVIDENCE, reason["reason"]),
        (head, IdentityReveal.Action.EVIDENCE, reason["reason"]),
    ]
    opened = accepted.events.filter(
        kind=CaseEvent.Kind.IDENTITY_REVEALED, data__evidence_id=evidence.pk
    )
    assert [event.actor for event in opened.order_by("id")] == [intake_officer, head]
    # Once the head grants the verifier's request to see the identity, the file opens too.
    from protection import services as protection_services

    request = protection_services.identity_access_request(
        case=accepted, by=verifier, reason="Cần đối chiếu chữ ký trên đơn gốc."
    )
    protection_services.identity_access_decide(
        access_request=request, by=head, grant=True, reason="Đồng ý trong 7 ngày.", days=7
    )
    assert client.post(url, reason).content == PDF
    assert log.filter(user=verifier, access_request=request).exists()


def test_head_extends_a_complex_denunciation_by_30_days(client, accepted, head):
    # Due Mon 06/04/2026; extended 30 days from then: Wed 06/05/2026.
    client.force_login(head)
    response = step(
        client,
        accepted,
        "extend",
        level="complex",
        days="30",
        on="01/04/2026",
        reason="Phải xác minh tại nhiều địa phương.",
        document_number="30/QĐ-TTr",
    )
    page = response.content.decode()
    accepted.refresh_from_db()
    assert accepted.resolution_due == D(2026, 5, 6)
    assert "Phức tạp, gia hạn thêm 30 ngày" in page
    assert "Phải xác minh tại nhiều địa phương." in page
    again = step(client, accepted, "extend", level="complex", on="02/04/2026", reason="Lần nữa")
    assert "chỉ được gia hạn 1 lần" in again.content.decode()


def test_extension_needs_a_reason(client, accepted, head):
    client.force_login(head)
    response = step(client, accepted, "extend", level="complex", days="30", on="01/04/2026")
    assert "Trường này là bắt buộc" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.extension == Case.Extension.NONE


def test_complaint_extension_offers_no_number_of_days(client, make_case, head):
    case = make_case(kind=Case.Kind.COMPLAINT)
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED, on=D(2026, 3, 5))
    client.force_login(head)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    extend = next(p for p in response.context["panels"] if p["step"].slug == "extend")
    assert "days" not in extend["form"].fields


def test_conclusion_of_a_denunciation_needs_its_finding(client, accepted, head):
    client.force_login(head)
    response = step(client, accepted, "conclude", on="20/04/2026")
    assert "Trường này là bắt buộc" in response.content.decode()
    step(
        client,
        accepted,
        "conclude",
        finding="partly_founded",
        on="20/04/2026",
        document_number="05/KL-TTr",
    )
    accepted.refresh_from_db()
    assert (accepted.status, accepted.finding) == (Case.Status.CONCLUDED, "partly_founded")
    assert "Kết luận: Đúng một phần" in page_of(client, accepted)


def test_a_recommendation_is_concluded_without_a_finding(client, make_case, head):
    case = make_case(kind=Case.Kind.RECOMMENDATION)
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED, on=D(2026, 3, 5))
    client.force_login(head)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    conclude = next(p for p in response.context["panels"] if p["step"].slug == "conclude")
    assert "finding" not in conclude["form"].fields
    step(client, case, "conclude", on="20/03/2026", note="Đã trả lời kiến nghị.")
    case.refresh_from_db()
    assert (case.status, case.finding) == (Case.Status.CONCLUDED, "")


def test_head_acts_on_the_conclusion_then_closes_the_case(client, accepted, head):
    services.case_conclude(case=accepted, by=head, finding=Case.Finding.FOUNDED, on=D(2026, 4, 20))
    client.force_login(head)
    assert "close" not in panels(client, accepted)
    step(
        client,
        accepted,
        "act_on_conclusion",
        note="Đã gửi kết luận, yêu cầu xử lý vi phạm.",
        on="24/04/2026",
    )
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.ACTED_ON
    step(client, accepted, "close", on="05/05/2026")
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.CLOSED
    assert kinds(accepted)[-3:] == [
        CaseEvent.Kind.CONCLUDED,
        CaseEvent.Kind.CONCLUSION_ACTED_ON,
        CaseEvent.Kind.CLOSED,
    ]
    assert panels(client, accepted) == ["note", "add_evidence", "recuse"]


# --- Withdrawal, suspension -----------------------------------------------------------------


def test_full_withdrawal_ends_the_case(client, accepted, head):
    client.force_login(head)
    step(client, accepted, "withdraw", scope="full", on="15/03/2026", note="Có đơn rút tố cáo.")
    accepted.refresh_from_db()
    assert (accepted.status, accepted.withdrawn_on) == (Case.Status.WITHDRAWN, D(2026, 3, 15))


@pytest.mark.parametrize(
    ("scope", "event"),
    [
        ("partial", CaseEvent.Kind.PARTIALLY_WITHDRAWN),
        ("signs_of_violation", CaseEvent.Kind.WITHDRAWAL_NOT_ENDING),
    ],
)
def test_partial_withdrawal_or_one_with_signs_of_violation_leaves_the_case_open(
    client, accepted, head, scope, event
):
    client.force_login(head)
    step(client, accepted, "withdraw", scope=scope, on="15/03/2026", note="Rút nội dung 2.")
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.ACCEPTED
    assert accepted.events.filter(kind=event, actor=head, note="Rút nội dung 2.").exists()


def test_suspension_ends_the_case_with_its_reason(client, accepted, head):
    client.force_login(head)
    step(client, accepted, "suspend", reason="Người bị tố cáo đã chết.", on="20/03/2026")
    accepted.refresh_from_db()
    assert (accepted.status, accepted.resolved_on) == (Case.Status.SUSPENDED, D(2026, 3, 20))
    assert "Người bị tố cáo đã chết." in page_of(client, accepted)


# --- Duplicates and follow-ups --------------------------------------------------------------


def test_possible_duplicates_show_on_the_case_for_those_who_handle_it(
    client, make_case, head, intake_officer, verifier
):
    first = make_case()
    second = make_case(received_on=D(2026, 3, 10))
    client.force_login(intake_officer)
    page = page_of(client, second)
    assert f">{first.number}</a> — cùng người gửi đơn" in page
    assert REPORTER.full_name not in page
    services.case_decide(case=second, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=second, user=verifier, by=head)
    client.force_login(verifier)
    assert "Có thể trùng" not in page_of(client, second)


def test_a_possible_duplicate_the_officer_cannot_open_is_neither_named_nor_linked(
    client, make_case, head, other_officer
):
    first = make_case()
    services.case_decide(case=first, by=head, decision=Case.Decision.ACCEPTED)
    second = make_case(by=other_officer, received_on=D(2026, 3, 10))
    client.force_login(other_officer)
    page = page_of(client, second)
    assert "Có thể trùng với một đơn bạn không được mở" in page
    assert first.number not in page
    assert reverse("cases:detail", args=[first.pk]) not in page
    # The head, who may open both, sees which one.
    client.force_login(head)
    assert first.number in page_of(client, second)


def test_linking_a_confirmed_duplicate_shows_on_both_cases(client, make_case, head):
    first = make_case()
    second = make_case(received_on=D(2026, 3, 10))
    client.force_login(head)
    response = step(client, second, "link_duplicate", of=first.number, note="Cùng nội dung.")
    assert f"Trùng với đơn số {first.number}" in response.content.decode()
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert "Có thể trùng" not in page_of(client, second)
    assert second.number in page_of(client, first)
    assert "link_duplicate" not in panels(client, second)


def test_linking_to_a_case_one_cannot_open_is_refused(client, make_case, head, other_officer):
    first = make_case()
    services.case_decide(case=first, by=head, decision=Case.Decision.ACCEPTED)
    second = make_case(by=other_officer, received_on=D(2026, 3, 10))
    client.force_login(other_officer)
    response = step(client, second, "link_duplicate", of=first.number)
    assert "Không tìm thấy đơn số" in response.content.decode()
    second.refresh_from_db()
    assert second.duplicate_of is None


def test_follow_up_denunciation_is_listed_on_the_original(client, make_case, head):
    original = make_case()
    follow_up = make_case(received_on=D(2026, 4, 20), follow_up_of=original)
    client.force_login(head)
    page = page_of(client, original)
    assert f'href="{reverse("cases:detail", args=[follow_up.pk])}">{follow_up.number}' in page
    assert f"Đơn tố cáo tiếp số {follow_up.number}" in page
    assert f">{original.number}</a>" in page_of(client, follow_up)


def test_an_unknown_step_is_not_found(client, accepted, head):
    client.force_login(head)
    response = client.post(f"/cases/{accepted.pk}/delete_everything/")
    assert response.status_code == 404


def test_a_plain_text_file_cut_inside_a_vietnamese_letter_is_still_text(client, accepted, head):
    # The type check reads the first 2048 bytes; "ế" takes three, so byte 2048 ends inside one.
    text = ("a" * 2047 + "ế" * 10).encode()
    client.force_login(head)
    response = upload(client, accepted, "bien-ban.txt", text)
    assert "Đã lưu tài liệu" in response.content.decode()
    assert Evidence.objects.get().content_type == "text/plain"


def test_the_step_that_moves_the_case_on_is_opened_for_whoever_takes_it(
    client, accepted, head, verifier
):
    def opened(user):
        client.force_login(user)
        response = client.get(reverse("cases:detail", args=[accepted.pk]))
        return [p["step"].slug for p in response.context["panels"] if p["open"]]

    # Accepted, reporter not yet told: the head notifies.
    assert opened(head) == ["notify"]
    services.case_notify_reporter(case=accepted, by=head, on=D(2026, 3, 9))
    services.case_assign(case=accepted, user=verifier, by=head, on=D(2026, 3, 9))
    # Under verification: the verifier reports, the head concludes.
    assert opened(verifier) == ["report"]
    assert opened(head) == ["conclude"]
    services.case_report_verification(case=accepted, by=verifier, text="Xong", on=D(2026, 3, 30))
    assert opened(verifier) == []


def test_a_step_cannot_be_dated_before_the_step_it_follows(accepted, head):
    # Accepted on 05/03/2026: a withdrawal dated 03/03 would read backwards on the timeline.
    with pytest.raises(services.ProcedureError, match="không được trước ngày 05/03/2026"):
        services.case_withdraw(case=accepted, by=head, on=D(2026, 3, 3))
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.ACCEPTED
    services.case_withdraw(case=accepted, by=head, on=D(2026, 3, 6))
    accepted.refresh_from_db()
    assert (accepted.status, accepted.withdrawn_on) == (Case.Status.WITHDRAWN, D(2026, 3, 6))


def test_two_extensions_taken_on_stale_copies_still_count_as_two(accepted, head):
    """The second request loaded the case before the first extension was written."""
    stale = Case.objects.get(pk=accepted.pk)
    reason = "Cần xác minh thêm."
    services.case_extend(
        case=accepted, by=head, level=Case.Extension.COMPLEX, reason=reason, on=D(2026, 3, 20)
    )
    with pytest.raises(services.ProcedureError, match="chỉ được gia hạn 1 lần"):
        services.case_extend(
            case=stale, by=head, level=Case.Extension.COMPLEX, reason=reason, on=D(2026, 3, 21)
        )
    assert accepted.events.filter(kind=CaseEvent.Kind.EXTENDED).count() == 1


def test_only_a_denunciation_goes_on_after_a_withdrawal_with_signs_of_violation(make_case, head):
    complaint = make_case(kind=Case.Kind.COMPLAINT)
    with pytest.raises(services.ProcedureError, match="Chỉ việc rút đơn tố cáo"):
        services.case_withdraw(case=complaint, by=head, on=D(2026, 3, 4), signs_of_violation=True)
    denunciation = make_case()
    services.case_withdraw(case=denunciation, by=head, on=D(2026, 3, 4), signs_of_violation=True)
    denunciation.refresh_from_db()
    assert denunciation.status == Case.Status.RECEIVED


def test_an_anonymous_petition_is_neither_guided_nor_returned(make_case, head):
    case = make_case(anonymous=True)
    for decision in (Case.Decision.GUIDED, Case.Decision.RETURNED):
        with pytest.raises(services.ProcedureError, match="Đơn nặc danh không có người gửi"):
            services.case_decide(case=case, by=head, decision=decision, on=D(2026, 3, 4))
    services.case_decide(case=case, by=head, decision=Case.Decision.FILED, on=D(2026, 3, 4))


def test_duplicates_cannot_form_a_circle(make_case, head):
    a, b, c = make_case(), make_case(), make_case()
    services.case_link_duplicate(case=a, of=b, by=head)
    services.case_link_duplicate(case=b, of=c, by=head)
    with pytest.raises(services.ProcedureError, match="đã được xác định là trùng"):
        services.case_link_duplicate(case=c, of=a, by=head)
