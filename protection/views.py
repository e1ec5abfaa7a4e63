"""Screens for identity access and reporter protection.

Only two responses ever carry an identity: the one that answers a "Hiện danh tính" form (after
the reveal is logged) and the correction form opened the same way. Both are `never_cache`
(no-store), keep nothing in the session, and are single-use: the form's signed token is stored
with the logged reveal, so posting it again (a reload, the back button) shows nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from cases import selectors as case_selectors
from cases.access import cases_visible_to
from cases.models import Case
from core.client import client_ip
from protection import access as rules
from protection import exports, forms, selectors, services
from protection.models import (
    IDENTITY_FIELDS,
    IdentityAccessRequest,
    ProtectionMeasure,
    ProtectionRequest,
    Reporter,
    RetaliationReport,
    identity_field_labels,
)

LOG_PAGE_SIZE = 50
LIST_PAGE_SIZE = 25


def _user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def _case(request, case_pk: int):
    """The case if the user may open it; 404 otherwise (cases.access is the one rule)."""
    return case_selectors.case_detail(user=request.user, pk=case_pk)


def _case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _errors(form, error: ValidationError) -> None:
    form.add_error(None, error)


# --- Seeing identity ----------------------------------------------------------------------


@sensitive_post_parameters()
@never_cache
@login_required
@sensitive_variables("identities")
def identity_reveal(request, case_pk: int):
    """Hiện danh tính: the reason first; the identity, logged, in the response to it."""
    case = _case(request, case_pk)
    access = rules.identity_access(request.user, case)
    if access is None:
        raise PermissionDenied
    purpose = "reveal"
    if request.method == "POST":
        form = forms.RevealForm(request.POST)
        if form.is_valid():
            nonce = forms.token_nonce(
                form.cleaned_data["token"], user=request.user, case=case, purpose=purpose
            )
            if nonce is None:
                form = _retry(
                    forms.RevealForm,
                    request,
                    case,
                    purpose,
                    ValidationError(_("Biểu mẫu đã hết hạn. Hãy gửi lại.")),
                )
            else:
                try:
                    services.identity_reveal(
                        case=case,
                        by=request.user,
                        fields=form.cleaned_data["fields_shown"],
                        reason=form.cleaned_data["reason"],
                        ip_address=client_ip(request),
                        user_agent=_user_agent(request),
                        nonce=nonce,
                    )
                except services.RevealTokenUsed as error:
                    form = _retry(forms.RevealForm, request, case, purpose, error)
                except ValidationError as error:
                    _errors(form, error)
                else:
                    fields = [f for f in IDENTITY_FIELDS if f in form.cleaned_data["fields_shown"]]
                    identities = selectors.case_identities(case, fields)
                    return render(
                        request,
                        "protection/identity_shown.html",
                        {
                            "case": case,
                            "identities": identities,
                            "access": access,
                            "can_correct": rules.can_correct_identity(access),
                            "reporters": _reporter_links(case),
                        },
                    )
    else:
        form = _fresh(forms.RevealForm, request, case, purpose)
    return render(
        request,
        "protection/identity_reveal.html",
        {"case": case, "form": form, "access": access},
    )


def _fresh(form_class, request, case, purpose: str, **initial):
    return form_class(
        initial={
            "token": forms.form_token(user=request.user, case=case, purpose=purpose),
            **initial,
        }
    )


def _retry(form_class, request, case, purpose: str, error: ValidationError):
    """The submitted form again, with a new token and the error that stopped it."""
    data = request.POST.copy()
    data["token"] = forms.form_token(user=request.user, case=case, purpose=purpose)
    form = form_class(data)
    form.is_valid()
    form.add_error(None, error)
    return form


def _reporter_links(case) -> list[tuple[int, str]]:
    return [
        (pk, Reporter(case=case, position=position).pseudonym)
        for pk, position in Reporter.objects.filter(case=case)
        .order_by("position")
        .values_list("pk", "position")
    ]


@sensitive_post_parameters()
@never_cache
@login_required
@sensitive_variables("current", "data", "edit")
def reporter_correct(request, case_pk: int, reporter_pk: int):
    """Đính chính: a reason (logged as a reveal), then the form with the current values."""
    case = _case(request, case_pk)
    access = rules.identity_access(request.user, case)
    if not rules.can_correct_identity(access):
        raise PermissionDenied
    reporter = get_object_or_404(
        Reporter.objects.only("pk", "case_id", "position", "is_representative"),
        pk=reporter_pk,
        case=case,
    )
    reporter.case = case
    context = {"case": case, "reporter": reporter, "access": access}
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "save":
        edit = forms.ReporterCorrectionForm(request.POST)
        if edit.is_valid():
            nonce = forms.token_nonce(
                edit.cleaned_data["token"], user=request.user, case=case, purpose="correct"
            )
            if nonce is None:
                messages.error(request, _("Biểu mẫu đã hết hạn. Hãy mở lại để đính chính."))
                return redirect(
                    "protection:reporter_correct", case_pk=case.pk, reporter_pk=reporter.pk
                )
            try:
                changed = services.reporter_correct(
                    reporter=reporter,
                    by=request.user,
                    data=edit.data_object(is_representative=reporter.is_representative),
                    reason=edit.cleaned_data["reason"],
                    ip_address=client_ip(request),
                    user_agent=_user_agent(request),
                    nonce=nonce,
                )
            except services.RevealTokenUsed as error:
                messages.error(request, error.messages[0])
                return redirect(
                    "protection:reporter_correct", case_pk=case.pk, reporter_pk=reporter.pk
                )
            except ValidationError as error:
                _errors(edit, error)
            else:
                messages.success(
                    request,
                    _("Đã đính chính %(fields)s của %(who)s.")
                    % {
                        "fields": ", ".join(identity_field_labels(changed)),
                        "who": reporter.pseudonym,
                    },
                )
                return redirect(_case_url(case))
        return render(request, "protection/correct_edit.html", {**context, "form": edit})
    if step == "open":
        form = forms.CorrectionOpenForm(request.POST)
        if form.is_valid():
            nonce = forms.token_nonce(
                form.cleaned_data["token"], user=request.user, case=case, purpose="correct-open"
            )
            try:
                if nonce is None:
                    raise services.RevealTokenUsed(_("Biểu mẫu đã hết hạn. Hãy ghi lại lý do."))
                services.identity_reveal(
                    case=case,
                    by=request.user,
                    fields=list(IDENTITY_FIELDS),
                    reason=form.cleaned_data["reason"],
                    ip_address=client_ip(request),
                    user_agent=_user_agent(request),
                    nonce=nonce,
                    reporter=reporter,
                )
            except services.RevealTokenUsed as error:
                form = _retry(forms.CorrectionOpenForm, request, case, "correct-open", error)
            except ValidationError as error:
                _errors(form, error)
            else:
                current = selectors.reporter_identity(Reporter.objects.get(pk=reporter.pk))
                edit = forms.ReporterCorrectionForm(
                    initial={
                        "full_name": current.full_name,
                        "id_number": current.id_number,
                        "phone": current.phone,
                        "address": current.address,
                        "email": current.email,
                        "reason": form.cleaned_data["reason"],
                        "token": forms.form_token(user=request.user, case=case, purpose="correct"),
                    }
                )
                return render(request, "protection/correct_edit.html", {**context, "form": edit})
    else:
        form = _fresh(forms.CorrectionOpenForm, request, case, "correct-open")
    return render(request, "protection/correct_open.html", {**context, "form": form})


@never_cache
@login_required
def identity_history(request, case_pk: int):
    """Lịch sử thay đổi thông tin người gửi: which fields changed, when, by whom; no values."""

    if rules.can_read_access_log(request.user) and not request.user.has_perm(
        "cases.view_all_cases"
    ):
        # The auditor checks corrections without opening the case itself.
        case = get_object_or_404(Case.objects.only("pk", "number", "kind"), pk=case_pk)
    else:
        case = _case(request, case_pk)
        if rules.identity_access(request.user, case) is None:
            raise PermissionDenied
    return render(
        request,
        "protection/identity_history.html",
        {"case": case, "entries": selectors.identity_history(case)},
    )


# --- Access requests ----------------------------------------------------------------------


@login_required
def access_request_create(request, case_pk: int):
    case = _case(request, case_pk)
    access = rules.identity_access(request.user, case)
    if not rules.can_request_access(request.user, access):
        raise PermissionDenied
    form = forms.AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_access_request(
                case=case, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Đã gửi đề nghị xem danh tính tới lãnh đạo."))
            return redirect(_case_url(case))
    return render(request, "protection/access_request_form.html", {"case": case, "form": form})


@login_required
def access_requests(request):
    """For the head, the requests waiting for a decision; for everyone who may ask, their
    own requests with the outcome and its reason."""
    user = request.user
    can_decide = rules.can_decide_access(user)
    if not (can_decide or user.has_perm("protection.request_identity_access")):
        raise PermissionDenied
    context = {"can_decide": can_decide}
    if can_decide:
        context["pending"] = list(selectors.access_requests_to_decide(user=user))
        context["decided"] = list(selectors.access_requests_decided(user=user))
    if user.has_perm("protection.request_identity_access"):
        page = Paginator(selectors.access_requests_of(user=user), LIST_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["mine"] = page
    return render(request, "protection/access_requests.html", context)


@login_required
def access_request_decide(request, pk: int):
    if not rules.can_decide_access(request.user):
        raise PermissionDenied
    access_request = get_object_or_404(
        IdentityAccessRequest.objects.select_related("case", "requested_by"),
        pk=pk,
        case__in=cases_visible_to(request.user),
    )
    form = forms.AccessDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.identity_access_decide(
                access_request=access_request,
                by=request.user,
                grant=data["decision"] == "grant",
                reason=data["reason"],
                days=data["days"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Đã ghi quyết định."))
            return redirect("protection:access_requests")
    return render(
        request,
        "protection/access_request_decide.html",
        {"access_request": access_request, "form": form},
    )


# --- The access log -----------------------------------------------------------------------


@never_cache
@login_required
def access_log(request):
    """Nhật ký truy cập danh tính, for the head and the auditor: filters, CSV and XLSX."""
    if not rules.can_read_access_log(request.user):
        raise PermissionDenied
    form = forms.AccessLogFilterForm(request.GET or None, users=selectors.log_users())
    rows = selectors.access_log(form.filters())
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        entries = selectors.log_rows(rows)
        return (
            exports.access_log_csv(entries) if export == "csv" else exports.access_log_xlsx(entries)
        )
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "protection/access_log.html",
        {
            "form": form,
            "page": page,
            "entries": selectors.log_rows(page.object_list),
            "query": query.urlencode(),
        },
    )


# --- Protection ---------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def protection_list(request):
    user = request.user
    _require(rules.can_record_protection(user) or rules.can_decide_protection(user))
    form = forms.ProtectionFilterForm(request.GET or None)
    page = Paginator(
        selectors.protection_requests(user=user, filters=form.filters()), LIST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "protection/protection_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "Status": ProtectionRequest.Status,
        },
    )


@sensitive_post_parameters()
@never_cache
@login_required
@sensitive_variables("persons", "person_formset")
def protection_request_create(request, case_pk: int):
    """Ghi nhận đề nghị bảo vệ, with the persons to protect (their identity encrypted)."""
    case = _case(request, case_pk)
    _require(rules.can_record_protection(request.user))
    form = forms.ProtectionRequestForm(request.POST or None)
    person_formset = forms.PersonFormSet(request.POST or None, prefix="persons", case=case)
    if request.method == "POST" and form.is_valid() and person_formset.is_valid():
        persons = [f.data_object() for f in person_formset if f.is_person]
        data = form.cleaned_data
        try:
            protection_request = services.protection_request_record(
                case=case,
                by=request.user,
                received_on=data["received_on"],
                channel=data["channel"],
                reason=data["reason"],
                requested_measures=data["requested_measures"],
                persons=persons,
                written_followup_on=data["written_followup_on"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận đề nghị bảo vệ."))
            return redirect("protection:request_detail", pk=protection_request.pk)
    return render(
        request,
        "protection/protection_request_form.html",
        {"case": case, "form": form, "person_formset": person_formset},
    )


@login_required
def protection_request_detail(request, pk: int):
    protection_request = selectors.protection_request_detail(user=request.user, pk=pk)
    user = request.user
    _require(rules.can_read_protection(user, protection_request.case))
    return render(
        request,
        "protection/protection_request_detail.html",
        {
            "protection_request": protection_request,
            "case": protection_request.case,
            "persons": selectors.protected_persons(protection_request),
            "measures": protection_request.measures.order_by("started_on", "id"),
            "reports": protection_request.retaliation_reports.order_by("-reported_on", "-id"),
            "can_record": rules.can_record_protection(user),
            "can_decide": rules.can_decide_protection(user),
            "Status": ProtectionRequest.Status,
            "Channel": ProtectionRequest.Channel,
            "MeasureStatus": ProtectionMeasure.Status,
        },
    )


@login_required
def protection_decide(request, pk: int):
    protection_request = selectors.protection_request_detail(user=request.user, pk=pk)
    _require(rules.can_decide_protection(request.user))
    form = forms.ProtectionDecisionForm(request.POST or None)
    measures = forms.MeasureFormSet(request.POST or None, prefix="measures")
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        data = form.cleaned_data
        try:
            services.protection_decide(
                request=protection_request,
                by=request.user,
                grant=data["decision"] == "grant",
                decided_on=data["decided_on"],
                reason=data["reason"],
                document_number=data["document_number"],
                measures=[m.data_object() for m in measures if m.has_changed() and m.is_measure],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Đã ghi quyết định về đề nghị bảo vệ."))
            return redirect("protection:request_detail", pk=protection_request.pk)
    return render(
        request,
        "protection/protection_decide.html",
        {
            "protection_request": protection_request,
            "case": protection_request.case,
            "form": form,
            "measures": measures,
        },
    )


def _simple_action(request, *, form, perform, title, back, done, case, button):
    """A one-form step: perform it and go back with a message, or show the form's errors."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "protection/action_form.html",
        {"form": form, "title": title, "back": back, "case": case, "button": button},
    )


@login_required
def protection_followup(request, pk: int):
    protection_request = selectors.protection_request_detail(user=request.user, pk=pk)
    _require(rules.can_record_protection(request.user))
    return _simple_action(
        request,
        form=forms.WrittenFollowupForm(request.POST or None),
        perform=lambda data: services.protection_written_followup(
            request=protection_request, by=request.user, on=data["on"]
        ),
        title=_("Văn bản bổ sung đề nghị bảo vệ khẩn cấp"),
        back=reverse("protection:request_detail", args=[protection_request.pk]),
        done=_("Đã ghi nhận văn bản bổ sung."),
        case=protection_request.case,
        button=_("Ghi nhận"),
    )


@login_required
def protection_measure_add(request, pk: int):
    protection_request = selectors.protection_request_detail(user=request.user, pk=pk)
    _require(rules.can_decide_protection(request.user))
    return _simple_action(
        request,
        form=forms.MeasureForm(request.POST or None),
        perform=lambda data: services.protection_measure_add(
            request=protection_request,
            by=request.user,
            measure=services.MeasureData(
                kind=data["kind"],
                carried_out_by=data["carried_out_by"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                note=data["note"],
            ),
        ),
        title=_("Thêm biện pháp bảo vệ"),
        back=reverse("protection:request_detail", args=[protection_request.pk]),
        done=_("Đã thêm biện pháp bảo vệ."),
        case=protection_request.case,
        button=_("Thêm biện pháp"),
    )


@login_required
def protection_measure_end(request, pk: int):
    measure = get_object_or_404(
        ProtectionMeasure.objects.select_related("request__case"),
        pk=pk,
        request__case__in=cases_visible_to(request.user),
    )
    _require(rules.can_decide_protection(request.user))
    return _simple_action(
        request,
        form=forms.MeasureEndForm(request.POST or None),
        perform=lambda data: services.protection_measure_end(
            measure=measure, by=request.user, ended_on=data["ended_on"], note=data["note"]
        ),
        title=_("Kết thúc biện pháp: %(kind)s") % {"kind": measure.get_kind_display()},
        back=reverse("protection:request_detail", args=[measure.request_id]),
        done=_("Đã kết thúc biện pháp bảo vệ."),
        case=measure.request.case,
        button=_("Kết thúc biện pháp"),
    )


@login_required
def protection_end(request, pk: int):
    protection_request = selectors.protection_request_detail(user=request.user, pk=pk)
    _require(rules.can_decide_protection(request.user))
    return _simple_action(
        request,
        form=forms.ProtectionEndForm(request.POST or None),
        perform=lambda data: services.protection_end(
            request=protection_request,
            by=request.user,
            ended_on=data["ended_on"],
            reason=data["reason"],
        ),
        title=_("Chấm dứt áp dụng biện pháp bảo vệ"),
        back=reverse("protection:request_detail", args=[protection_request.pk]),
        done=_("Đã chấm dứt bảo vệ."),
        case=protection_request.case,
        button=_("Chấm dứt bảo vệ"),
    )


@login_required
def retaliation_create(request, case_pk: int):
    case = _case(request, case_pk)
    _require(rules.can_record_protection(request.user))
    initial = {}
    if request.GET.get("request"):
        initial["protection_request"] = request.GET["request"]
    return _simple_action(
        request,
        form=forms.RetaliationForm(request.POST or None, case=case, initial=initial),
        perform=lambda data: services.retaliation_report_record(
            case=case,
            by=request.user,
            reported_on=data["reported_on"],
            description=data["description"],
            protection_request=data["protection_request"],
            action_taken=data["action_taken"],
        ),
        title=_("Ghi nhận phản ánh bị trả thù, trù dập"),
        back=_case_url(case),
        done=_("Đã ghi nhận phản ánh bị trả thù, trù dập."),
        case=case,
        button=_("Ghi nhận"),
    )


@login_required
def retaliation_update(request, pk: int):
    report = get_object_or_404(
        RetaliationReport.objects.select_related("case"),
        pk=pk,
        case__in=cases_visible_to(request.user),
    )
    _require(rules.can_record_protection(request.user))
    form = forms.RetaliationUpdateForm(
        request.POST or None,
        initial={"action_taken": report.action_taken, "handled_on": report.handled_on},
    )
    return _simple_action(
        request,
        form=form,
        perform=lambda data: services.retaliation_report_update(
            report=report,
            by=request.user,
            action_taken=data["action_taken"],
            handled_on=data["handled_on"],
        ),
        title=_("Xử lý phản ánh bị trả thù, trù dập ngày %(day)s")
        % {"day": f"{report.reported_on:%d/%m/%Y}"},
        back=_case_url(report.case),
        done=_("Đã cập nhật việc xử lý phản ánh."),
        case=report.case,
        button=_("Lưu"),
    )
