from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import deadlines
from cases.access import cases_visible_to
from cases.models import Assignment, Case
from reports.charts import dashboard_charts
from reports.figures import monthly_series


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
def home(request):
    """The first page after sign-in: what needs the user's attention today, and for those who
    read reports, the unit's last twelve months (the same numbers as the report)."""
    today = timezone.localdate()
    soon = deadlines.due_soon_limit(today)
    visible = cases_visible_to(request.user).filter(status__in=Case.OPEN_STATUSES)
    mine = visible.filter(
        pk__in=Assignment.objects.filter(user=request.user).values("case_id")
    ) | visible.filter(registered_by=request.user, status__in=Case.OPEN_STATUSES)
    return render(
        request,
        "home.html",
        {
            "mine": mine.select_related("field").order_by("next_due", "received_on")[:20],
            "overdue": visible.filter(next_due__lt=today)
            .select_related("field")
            .order_by("next_due")[:20],
            "due_soon": visible.filter(next_due__gte=today, next_due__lte=soon)
            .select_related("field")
            .order_by("next_due")[:20],
            "today": today,
            "charts": (
                dashboard_charts(monthly_series(today))
                if request.user.has_perm("reports.view_reports")
                else None
            ),
        },
    )


@never_cache
def healthz(request):
    """For the load balancer: the process answers and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
