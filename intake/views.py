from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from cases.access import cases_visible_to
from cases.models import Case
from cases.services import ProcedureError
from intake import selectors, services
from intake.forms import (
    ContentFormSet,
    PetitionForm,
    ReporterFormSet,
    SessionFilterForm,
    SessionForm,
    VisitForm,
)
from intake.models import ReceptionSession, ReceptionVisit


@sensitive_post_parameters()
@never_cache
@login_required
@permission_required("cases.register_case", raise_exception=True)
@sensitive_variables("reporter_formset", "reporters")
def register(request):
    """Tiếp nhận đơn: the petition, its contents (one case each) and its signers."""
    visible = cases_visible_to(request.user)
    visit = None
    if request.method == "GET" and request.GET.get("visit", "").isdigit():
        # "Register a petition from this visit" on a reception session's page.
        visit = (
            ReceptionVisit.objects.select_related("session").filter(pk=request.GET["visit"]).first()
        )
    form = PetitionForm(request.POST or None, visible_cases=visible, visit=visit)
    content_formset = ContentFormSet(request.POST or None, prefix="contents")
    reporter_formset = ReporterFormSet(request.POST or None, prefix="reporters")
    hints = []
    if request.method == "POST" and _all_valid(form, content_formset, reporter_formset):
        data = form.cleaned_data
        reporters = [f.data_object() for f in reporter_formset if f.has_changed()]
        contents = [f.data_object() for f in content_formset]
        hints = selectors.possible_duplicates(
            reporters=reporters,
            accused=contents[0].accused,
            field_id=contents[0].field.pk,
            received_on=data["received_on"],
        )
        visible_ids = set(
            visible.filter(pk__in=[h.case_id for h in hints]).values_list("pk", flat=True)
        )
        hints = [(hint, hint.case_id in visible_ids) for hint in hints]
        if hints and not data["acknowledge_duplicates"]:
            form.add_error(
                "acknowledge_duplicates",
                _("Có đơn có thể trùng (xem bên dưới). Đánh dấu ô này để vẫn vào sổ."),
            )
        else:
            try:
                cases = services.petition_register(
                    by=request.user,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    contents=contents,
                    reporters=reporters,
                    anonymous=data["anonymous"],
                    multi_location=data["multi_location"],
                    remote_area=data["remote_area"],
                    complaint_round=data["complaint_round"],
                    reception_visit=data["reception_visit"],
                    follow_up_of=form.follow_up_case,
                    number=data["number"] or None,
                )
            except ProcedureError as error:
                form.add_error(None, error)
            else:
                numbers = ", ".join(case.number for case in cases)
                messages.success(
                    request,
                    ngettext(
                        "Đã vào sổ đơn số %(numbers)s.",
                        "Đã vào sổ %(count)d vụ việc: %(numbers)s.",
                        len(cases),
                    )
                    % {"numbers": numbers, "count": len(cases)},
                )
                return redirect("cases:detail", pk=cases[0].pk)
    return render(
        request,
        "intake/register.html",
        {
            "form": form,
            "content_formset": content_formset,
            "reporter_formset": reporter_formset,
            "hints": hints,
        },
    )


def _all_valid(form, content_formset, reporter_formset) -> bool:
    valid = all([form.is_valid(), content_formset.is_valid(), reporter_formset.is_valid()])
    if not valid:
        return False
    anonymous = form.cleaned_data["anonymous"]
    filled = [f for f in reporter_formset if f.has_changed()]
    if anonymous and filled:
        form.add_error("anonymous", _("Đơn nặc danh không ghi thông tin người gửi."))
        return False
    if not anonymous and not filled:
        form.add_error(None, _("Hãy nhập ít nhất một người gửi đơn, hoặc đánh dấu đơn nặc danh."))
        return False
    if sum(1 for f in filled if f.cleaned_data["is_representative"]) > 1:
        form.add_error(None, _("Chỉ chọn một người đại diện."))
        return False
    return True


# --- Citizen reception log --------------------------------------------------------------------

SESSIONS_PER_PAGE = 30


def _with_counts(sessions):
    return sessions.annotate(
        visit_count=Count("visits", distinct=True),
        people=Sum("visits__people_count"),
        large_groups=Count("visits", filter=Q(visits__is_large_group=True), distinct=True),
    )


@login_required
@permission_required("intake.log_reception", raise_exception=True)
def sessions(request):
    """Sổ tiếp công dân: the sessions of a period, with their visits and people counted."""
    form = SessionFilterForm(request.GET or None)
    found = ReceptionSession.objects.select_related("host").order_by("-held_on", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            found = found.filter(held_on__gte=data["start"])
        if data["end"]:
            found = found.filter(held_on__lte=data["end"])
        if data["kind"]:
            found = found.filter(kind=data["kind"])
    totals = found.aggregate(
        visit_count=Count("visits"),
        people=Sum("visits__people_count"),
        large_groups=Count("visits", filter=Q(visits__is_large_group=True)),
    )
    page = Paginator(_with_counts(found), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/sessions.html",
        {"form": form, "page": page, "totals": totals, "query": query.urlencode()},
    )


@login_required
@permission_required("intake.log_reception", raise_exception=True)
def session_create(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.reception_session_create(by=request.user, **data)
        except ProcedureError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã ghi sổ buổi tiếp công dân."))
            return redirect("intake:session", pk=session.pk)
    return render(request, "intake/session_form.html", {"form": form})


def _session_page(request, session, visit_form, status=200):
    visits = list(session.visits.order_by("id"))
    # Petitions registered in each visit: numbers for all, links to those the user may open.
    registered = list(
        Case.objects.filter(reception_visit__session=session)
        .order_by("number")
        .values_list("pk", "number", "reception_visit_id")
    )
    visible = set(
        cases_visible_to(request.user)
        .filter(pk__in=[pk for pk, _number, _visit in registered])
        .values_list("pk", flat=True)
        if registered
        else ()
    )
    cases_by_visit = {}
    for pk, number, visit_id in registered:
        cases_by_visit.setdefault(visit_id, []).append(
            {"pk": pk, "number": number, "visible": pk in visible}
        )
    return render(
        request,
        "intake/session.html",
        {
            "session": session,
            "visits": [(visit, cases_by_visit.get(visit.pk, [])) for visit in visits],
            "people": sum(visit.people_count for visit in visits),
            "visit_form": visit_form,
            "can_register": request.user.has_perm("cases.register_case"),
        },
        status=status,
    )


@login_required
@permission_required("intake.log_reception", raise_exception=True)
def session_detail(request, pk: int):
    session = get_object_or_404(ReceptionSession.objects.select_related("host"), pk=pk)
    return _session_page(request, session, VisitForm(prefix="visit"))


@login_required
@permission_required("intake.log_reception", raise_exception=True)
@require_POST
def visit_add(request, pk: int):
    session = get_object_or_404(ReceptionSession.objects.select_related("host"), pk=pk)
    form = VisitForm(request.POST, prefix="visit")
    if form.is_valid():
        try:
            visit = services.reception_visit_add(session=session, **form.cleaned_data)
        except ProcedureError as error:
            form.add_error(None, error)
        else:
            if visit.is_large_group:
                messages.success(
                    request,
                    _("Đã ghi lượt tiếp: đoàn đông người (%(count)s người).")
                    % {"count": visit.people_count},
                )
            else:
                messages.success(request, _("Đã ghi lượt tiếp."))
            return redirect("intake:session", pk=session.pk)
    return _session_page(request, session, form)
