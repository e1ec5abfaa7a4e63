"""The home page after sign-in: the user's panels, and for report readers, twelve months of
charts with the same numbers as the report."""

import datetime as dt
import re

from django.urls import reverse

from cases import services
from cases.models import Case
from reports.figures import month_starts, monthly_series, report_figures
from reports.periods import preset
from tests import test_figures

history = test_figures.history  # the fixture: petitions with known histories

HOME = reverse("home")


def test_monthly_numbers_are_the_reports_numbers_for_each_month(history):
    today = dt.date(2026, 8, 14)  # the window runs from September 2025: the whole history
    series = monthly_series(today)
    assert series["months"] == month_starts(today)
    assert sum(series["received"]) == 11  # every petition of the history is in the window
    for index, first in enumerate(series["months"]):
        figures = report_figures(preset(f"{first:%Y}-M{first:%m}"))
        assert series["received"][index] == figures["petitions"]["received"], first
        assert series["resolved"][index] == figures["petitions"]["resolved"], first
        for kind, numbers in series["by_kind"].items():
            assert numbers["received"][index] == figures["kinds"][kind]["received"]
            assert numbers["resolved"][index] == figures["kinds"][kind]["resolved"]
        for code, numbers in series["by_field"].items():
            assert numbers["received"][index] == figures["fields"][code]["received"]
            assert numbers["resolved"][index] == figures["fields"][code]["resolved"]


def test_head_sees_the_charts_as_svg_drawn_by_the_server(client, history, head):
    client.force_login(head)
    page = client.get(HOME).content.decode()
    assert page.count("<svg") == 3
    assert "Đơn tiếp nhận và đã giải quyết theo tháng" in page
    assert "Theo loại đơn" in page and "Theo lĩnh vực" in page
    # April 2026: D and G received; A, B and G resolved.
    assert "04/26 · Tiếp nhận: 2" in page
    assert "04/26 · Đã giải quyết: 3" in page
    # Attributes, not inline styles (the CSP blocks those), and numbers with dots.
    svg = page[page.index("<svg") : page.rindex("</svg>")]
    assert "style=" not in svg
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg)


def test_a_verifier_gets_the_panels_without_charts(client, history, verifier):
    client.force_login(verifier)
    page = client.get(HOME).content.decode()
    assert "Việc của tôi" in page
    assert "<svg" not in page


def test_panels_show_only_cases_the_user_may_see(
    client, make_case, head, verifier, other_verifier, outsider
):
    case = make_case()
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    services.case_assign(case=case, user=verifier, by=head)
    for user, sees in ((verifier, True), (other_verifier, False), (outsider, False)):
        client.force_login(user)
        page = client.get(HOME).content.decode()
        assert (case.number in page) is sees, user


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, history, head, django_assert_num_queries
):
    client.force_login(head)
    client.get(HOME)
    # session, user, user permissions, group permissions, my cases, overdue, due soon, the
    # calendar overrides (for "due soon"), fields, the twelve months over the read model
    with django_assert_num_queries(10):
        assert client.get(HOME).status_code == 200
