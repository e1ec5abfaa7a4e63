"""The report page, its downloads and finalising: who may, and what they see."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import ReportSnapshot
from reports.periods import current_preset
from tests import test_figures

history = test_figures.history  # the fixture: petitions with known histories

REPORT = reverse("reports:report")


def test_head_auditor_and_intake_officer_see_reports_a_verifier_and_an_outsider_do_not(
    client, head, auditor, intake_officer, verifier, outsider
):
    for user, status in (
        (head, 200),
        (auditor, 200),
        (intake_officer, 200),
        (verifier, 403),
        (outsider, 403),
    ):
        client.force_login(user)
        assert client.get(REPORT, {"preset": "2026-Q2"}).status_code == status, user
        export = client.get(reverse("reports:export", args=["csv"]), {"preset": "2026-Q2"})
        assert export.status_code == status, user


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_report_menu_entry_only_for_those_who_may_see_reports(client, head, verifier):
    client.force_login(head)
    assert f'href="{REPORT}"' in client.get(reverse("home")).content.decode()
    client.force_login(verifier)
    assert f'href="{REPORT}"' not in client.get(reverse("home")).content.decode()


def test_the_page_shows_the_quarter_and_its_figures(client, history, head):
    client.force_login(head)
    page = client.get(REPORT, {"preset": "2026-Q2"}).content.decode()
    assert "Quý II năm 2026 (15/03/2026 – 14/06/2026)" in page
    assert "kỳ trước chuyển sang 03 đơn, đã tiếp nhận 06 đơn" in page
    assert "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN TỐ CÁO" in page
    assert 'href="/reports/export/xlsx/?preset=2026-Q2"' in page
    # The head has not finalised Q2 yet and may.
    assert "Chốt số liệu kỳ này" in page


def test_without_a_period_the_current_cut_off_quarter_is_shown(client, head):
    client.force_login(head)
    response = client.get(REPORT)
    assert response.context["period"] == current_preset(response.context["form"].today)


def test_a_custom_range_with_dates_as_typed(client, history, head):
    client.force_login(head)
    response = client.get(REPORT, {"preset": "custom", "start": "01/03/2026", "end": "30/04/2026"})
    assert response.context["period"].start == dt.date(2026, 3, 1)
    assert response.context["figures"]["petitions"]["received"] == 7
    export = client.get(
        reverse("reports:export", args=["json"]), {"start": "2026-03-01", "end": "2026-04-30"}
    )
    assert export["Content-Disposition"] == 'attachment; filename="bao-cao-20260301_20260430.json"'


@pytest.mark.parametrize(
    "query",
    [
        {"preset": "custom", "start": "30/04/2026", "end": "01/03/2026"},
        {"preset": "custom", "start": "01/03/2026"},
        {"preset": "2026-Q7"},
    ],
)
def test_a_period_that_is_not_one_is_explained(client, head, query):
    client.force_login(head)
    response = client.get(REPORT, query)
    assert response.status_code == 200
    assert "period" not in response.context
    assert response.context["form"].errors


def test_the_report_page_runs_a_fixed_number_of_queries(
    client, history, head, django_assert_num_queries
):
    client.force_login(head)
    client.get(REPORT, {"preset": "2026-Q2"})
    # session, user, user permissions, group permissions, fields, the petitions pass over the
    # read model, protection requests, protection measures, retaliation reports, identity
    # reveals, reception sessions, visits with their petitions, the snapshot
    with django_assert_num_queries(13):
        assert client.get(REPORT, {"preset": "2026-Q2"}).status_code == 200


def test_head_finalises_and_the_page_then_compares(client, history, head):
    client.force_login(head)
    response = client.post(
        reverse("reports:finalize"), {"preset": "2026-Q2", "note": "Gửi Thanh tra tỉnh"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{REPORT}?preset=2026-Q2"
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.start, snapshot.end) == (dt.date(2026, 3, 15), dt.date(2026, 6, 14))
    assert snapshot.finalized_by == head
    assert snapshot.figures["petitions"]["total"] == 9
    page = client.get(REPORT, {"preset": "2026-Q2"}).content.decode()
    assert "Số liệu đã chốt — khớp với dữ liệu hiện nay" in page
    assert "Chốt số liệu kỳ này" not in page
    # Finalising again is refused, the first snapshot stays.
    client.post(reverse("reports:finalize"), {"preset": "2026-Q2"}, follow=True)
    assert ReportSnapshot.objects.count() == 1


def test_only_the_head_finalises(client, history, auditor, intake_officer, verifier):
    for user in (auditor, intake_officer, verifier):
        client.force_login(user)
        response = client.post(reverse("reports:finalize"), {"preset": "2026-Q2"})
        assert response.status_code == 403, user
        assert "Chốt số liệu kỳ này" not in client.get(REPORT).content.decode()
    assert not ReportSnapshot.objects.exists()


def test_finalising_needs_a_post(client, head):
    client.force_login(head)
    assert client.get(reverse("reports:finalize")).status_code == 405
