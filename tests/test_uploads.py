"""Uploads never touch the disk in clear: a scanned petition or an import file can identify a
reporter until the service encrypts it."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Case, Evidence

PDF_HEAD = b"%PDF-1.4\n"


def accept(make_case, head):
    case = make_case()
    return services.case_decide(
        case=case, by=head, decision=Case.Decision.ACCEPTED, on=dt.date(2026, 3, 5)
    )


def post_evidence(client, case, content: bytes):
    return client.post(
        reverse("cases:add_evidence", args=[case.pk]),
        {
            "add_evidence-upload": SimpleUploadedFile("don-goc.pdf", content),
            "add_evidence-description": "Đơn gốc",
            "add_evidence-identifying": "yes",
        },
        follow=True,
    )


def test_a_large_scan_is_stored_encrypted_without_a_temporary_file(
    client, make_case, head, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    case = accept(make_case, head)
    scan = PDF_HEAD + b"0" * (4 * 1024 * 1024)  # over Django's 2.5 MB in-memory limit
    client.force_login(head)
    response = post_evidence(client, case, scan)
    assert response.status_code == 200
    assert Evidence.objects.get(case=case).size == len(scan)
    assert list(tmp_path.iterdir()) == []


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(
    client, make_case, head, settings
):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    settings.EVIDENCE_MAX_BYTES = 32 * 1024
    case = accept(make_case, head)
    client.force_login(head)
    response = post_evidence(client, case, PDF_HEAD + b"0" * (200 * 1024))
    assert "Tệp lớn hơn giới hạn" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_uploader_must_say_whether_a_file_identifies_the_reporter(client, make_case, head):
    case = accept(make_case, head)
    client.force_login(head)
    response = client.post(
        reverse("cases:add_evidence", args=[case.pk]),
        {"add_evidence-upload": SimpleUploadedFile("bien-ban.pdf", PDF_HEAD + b"x")},
        follow=True,
    )
    assert response.redirect_chain == []  # the case page again, with the form's errors
    assert "Trường này là bắt buộc" in response.content.decode()
    assert not Evidence.objects.exists()
