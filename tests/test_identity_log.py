"""The identity access log: append-only (the app, the admin and, on PostgreSQL, the database
itself), readable with filters by the head and the auditor, exportable, and free of values."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from core.fields import EncryptedMixin
from protection import services
from protection.models import AppendOnlyError, IdentityAccessRequest, IdentityReveal
from tests.conftest import REPORTER

LOG = reverse("protection:access_log")


@pytest.fixture
def case(make_case, head, verifier):
    case = make_case()
    case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    case_services.case_assign(case=case, user=verifier, by=head)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def steps(case, head, verifier):
    """A request, its grant and a reveal under it: the three kinds of log rows."""
    request = services.identity_access_request(case=case, by=verifier, reason="Cần đối chất")
    services.identity_access_decide(access_request=request, by=head, grant=True, reason="Đồng ý")
    services.identity_reveal(
        case=case,
        by=verifier,
        fields=["full_name", "phone"],
        reason="Gọi điện hẹn làm việc",
        ip_address="10.1.2.3",
        user_agent="Chromium",
    )
    return request


def test_the_log_shows_each_step_newest_first(client, steps, auditor, verifier, head):
    client.force_login(auditor)
    response = client.get(LOG)
    rows = [(row.action, row.user) for row in response.context["entries"]]
    assert rows == [("view", verifier), ("granted", head), ("requested", verifier)]
    body = response.content.decode()
    assert "họ và tên, số điện thoại" in body
    assert "10.1.2.3" in body
    assert REPORTER.full_name not in body and REPORTER.phone not in body


def test_the_log_filters_by_period_user_and_case_number(
    client, steps, auditor, verifier, head, make_case
):
    other = make_case()
    services.identity_reveal(case=other, by=head, fields=["phone"], reason="Kiểm tra hồ sơ cũ")
    client.force_login(auditor)

    def actions(**params):
        return [row.action for row in client.get(LOG, params).context["entries"]]

    assert len(actions()) == 4
    assert actions(user=verifier.pk) == ["view", "requested"]
    assert actions(case_number=other.number) == ["view"]
    today = timezone.localdate()
    assert len(actions(start=f"{today:%d/%m/%Y}", end=f"{today:%d/%m/%Y}")) == 4
    tomorrow = today + dt.timedelta(days=1)
    assert actions(start=f"{tomorrow:%d/%m/%Y}") == []


def test_the_log_exports_csv_and_xlsx_with_field_names_only(client, steps, head):
    client.force_login(head)
    csv_response = client.get(LOG, {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Thời điểm", "Tên đăng nhập", "Cán bộ", "Số đơn", "Việc"]
    assert [row[4] for row in rows[1:]] == [
        "Xem danh tính",
        "Đồng ý cho xem",
        "Đề nghị xem danh tính",
    ]
    assert rows[1][5] == "họ và tên, số điện thoại"

    xlsx = client.get(LOG, {"format": "xlsx"})
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "Xem danh tính" in text
    for marker in ("Marker-Secret", "096123456789", "912 345 678"):
        assert marker not in text
        assert marker not in csv_response.content.decode("utf-8-sig")


@pytest.mark.parametrize("who", ["verifier", "intake_officer", "administrator", "outsider"])
def test_only_the_head_and_the_auditor_read_the_log(client, steps, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LOG).status_code == 403
    assert client.get(LOG, {"format": "csv"}).status_code == 403


def test_the_log_page_query_count_does_not_grow(
    client, case, head, auditor, django_assert_num_queries
):
    def reveals(count):
        for _ in range(count):
            services.identity_reveal(case=case, by=head, fields=["phone"], reason="Kiểm tra lại")

    reveals(2)
    client.force_login(auditor)
    client.get(LOG)
    # session, user, user permissions, group permissions, users in the log (filter choices),
    # count of the union, one page of the union, its users, its cases
    with django_assert_num_queries(9):
        client.get(LOG)
    reveals(5)
    with django_assert_num_queries(9):
        client.get(LOG)


def test_a_logged_reveal_can_be_neither_changed_nor_deleted_through_the_app(steps):
    reveal = IdentityReveal.objects.get()
    reveal.reason = "sửa lại"
    with pytest.raises(AppendOnlyError):
        reveal.save()
    with pytest.raises(AppendOnlyError):
        reveal.delete()
    with pytest.raises(AppendOnlyError):
        IdentityReveal.objects.update(reason="x")
    with pytest.raises(AppendOnlyError):
        IdentityReveal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        IdentityAccessRequest.objects.all().delete()
    assert IdentityReveal.objects.get().reason == "Gọi điện hẹn làm việc"


def test_the_admin_offers_no_log_and_no_identity_field_anywhere():
    for model, model_admin in admin.site._registry.items():
        assert model is not IdentityReveal
        encrypted = [f.name for f in model._meta.fields if isinstance(f, EncryptedMixin)]
        shown = set(model_admin.get_fields(_admin_request()) or [])
        assert not shown & set(encrypted), model
        for inline in model_admin.inlines:
            inline_encrypted = {
                f.name for f in inline.model._meta.fields if isinstance(f, EncryptedMixin)
            }
            assert not set(inline.fields or []) & inline_encrypted, inline


def _admin_request():
    from django.test import RequestFactory

    from accounts.models import User

    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True)
    return request


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only triggers exist only on PostgreSQL (SQLite relies on the app)",
)


@postgres_only
def test_on_postgresql_the_database_refuses_to_update_or_delete_a_logged_reveal(steps):
    for sql in (
        "UPDATE protection_identityreveal SET reason = 'x'",
        "DELETE FROM protection_identityreveal",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert IdentityReveal.objects.get().reason == "Gọi điện hẹn làm việc"


@postgres_only
def test_on_postgresql_a_decided_request_cannot_be_changed_or_deleted(steps, case, verifier):
    for sql in (
        "UPDATE protection_identityaccessrequest SET status = 'pending'",
        "DELETE FROM protection_identityaccessrequest",
    ):
        with (
            pytest.raises(DatabaseError, match="keeps decided requests"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    steps.refresh_from_db()
    assert steps.status == "granted"


def test_a_reason_typed_as_a_formula_stays_text_in_the_exports(client, case, head):
    services.identity_reveal(
        case=case, by=head, fields=["full_name"], reason='=HYPERLINK("http://x","Đối chiếu")'
    )
    client.force_login(head)
    rows = list(
        csv.reader(io.StringIO(client.get(LOG, {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert rows[1][7] == '\'=HYPERLINK("http://x","Đối chiếu")'
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(LOG, {"format": "xlsx"}).content))
    reasons = [row[7] for row in workbook.active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x","Đối chiếu")' in reasons
    assert workbook.active.cell(row=2, column=8).data_type == "s"
