"""The case list and the case page, which is the workbench of the procedure.

Each step of the procedure is a small form on the case page, shown only to whoever may take it
(`cases.access.case_actions`), posting to its own URL; the view calls one service and comes back
to the case with a message, or shows the case again with the form's errors.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from cases import access, deadlines, exporting, extensions, selectors, services
from cases import forms as case_forms
from cases.forms import CaseFilterForm
from cases.models import Case, CaseNote, Evidence
from core.client import client_ip

PAGE_SIZE = 25


def _require_case_role(user) -> None:
    if not any(
        user.has_perm(perm)
        for perm in ("cases.view_all_cases", "cases.register_case", "cases.work_case")
    ):
        raise PermissionDenied


@login_required
def case_list(request):
    _require_case_role(request.user)
    form = CaseFilterForm(request.GET or None, user=request.user)
    cases = selectors.case_list(user=request.user, filters=form.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    soon = deadlines.due_soon_limit(today)
    rows = [
        (
            case,
            selectors.deadline_state(case, today, soon),
            deadlines.NEXT_STEP_LABELS.get(case.next_step, ""),
        )
        for case in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
        },
    )


# --- The steps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str  # its URL, its form prefix, and the CaseActions flag that allows it
    title: str
    form_class: type[case_forms.StepForm]
    perform: Callable
    done: str  # the message after it is taken
    button: str
    confirm: str = ""  # asked before an irreversible step (static/js/app.js)
    danger: bool = False


STEPS = [
    Step(
        "check_eligibility",
        gettext_lazy("Kiểm tra điều kiện xử lý"),
        case_forms.EligibilityForm,
        services.case_check_eligibility,
        gettext_lazy("Đã ghi kết quả kiểm tra điều kiện xử lý."),
        gettext_lazy("Ghi kết quả"),
    ),
    Step(
        "propose",
        gettext_lazy("Đề xuất hướng xử lý"),
        case_forms.ProposeForm,
        services.case_propose_handling,
        gettext_lazy("Đã gửi đề xuất hướng xử lý đơn."),
        gettext_lazy("Đề xuất"),
    ),
    Step(
        "decide",
        gettext_lazy("Quyết định xử lý đơn"),
        case_forms.DecideForm,
        services.case_decide,
        gettext_lazy("Đã ghi quyết định xử lý đơn."),
        gettext_lazy("Quyết định"),
        confirm=gettext_lazy("Ghi quyết định xử lý đơn? Quyết định không sửa được sau khi ghi."),
    ),
    Step(
        "notify",
        gettext_lazy("Thông báo thụ lý cho người tố cáo"),
        case_forms.NotifyForm,
        services.case_notify_reporter,
        gettext_lazy("Đã ghi việc thông báo thụ lý."),
        gettext_lazy("Ghi đã thông báo"),
    ),
    Step(
        "assign",
        gettext_lazy("Phân công xác minh"),
        case_forms.AssignForm,
        services.case_assign,
        gettext_lazy("Đã phân công cán bộ xác minh."),
        gettext_lazy("Phân công"),
    ),
    Step(
        "unassign",
        gettext_lazy("Thôi phân công"),
        case_forms.UnassignForm,
        services.case_unassign,
        gettext_lazy("Đã thôi phân công cán bộ."),
        gettext_lazy("Thôi phân công"),
    ),
    Step(
        "report",
        gettext_lazy("Báo cáo kết quả xác minh"),
        case_forms.VerificationReportForm,
        services.case_report_verification,
        gettext_lazy("Đã lưu báo cáo kết quả xác minh."),
        gettext_lazy("Lưu báo cáo"),
    ),
    Step(
        "extend",
        gettext_lazy("Gia hạn giải quyết"),
        case_forms.ExtendForm,
        services.case_extend,
        gettext_lazy("Đã gia hạn giải quyết."),
        gettext_lazy("Gia hạn"),
        confirm=gettext_lazy("Gia hạn giải quyết vụ việc? Số lần gia hạn bị giới hạn theo luật."),
    ),
    Step(
        "conclude",
        gettext_lazy("Kết luận"),
        case_forms.ConcludeForm,
        services.case_conclude,
        gettext_lazy("Đã ghi kết luận."),
        gettext_lazy("Ghi kết luận"),
        confirm=gettext_lazy("Ghi kết luận? Sau khi kết luận, vụ việc thôi xác minh."),
    ),
    Step(
        "act_on_conclusion",
        gettext_lazy("Tổ chức thực hiện kết luận"),
        case_forms.ActOnConclusionForm,
        services.case_act_on_conclusion,
        gettext_lazy("Đã ghi việc thực hiện kết luận."),
        gettext_lazy("Ghi việc đã làm"),
    ),
    Step(
        "close",
        gettext_lazy("Kết thúc hồ sơ"),
        case_forms.CloseForm,
        services.case_close,
        gettext_lazy("Đã kết thúc hồ sơ vụ việc."),
        gettext_lazy("Kết thúc hồ sơ"),
        confirm=gettext_lazy("Kết thúc hồ sơ vụ việc? Không thể mở lại."),
    ),
    Step(
        "note",
        gettext_lazy("Thêm ghi chú"),
        case_forms.NoteForm,
        services.case_note_add,
        gettext_lazy("Đã thêm ghi chú."),
        gettext_lazy("Thêm ghi chú"),
    ),
    Step(
        "add_evidence",
        gettext_lazy("Thêm tài liệu, chứng cứ"),
        case_forms.EvidenceForm,
        services.evidence_add,
        gettext_lazy("Đã lưu tài liệu (đã mã hóa)."),
        gettext_lazy("Tải lên"),
    ),
    Step(
        "link_duplicate",
        gettext_lazy("Xác định đơn trùng"),
        case_forms.DuplicateForm,
        services.case_link_duplicate,
        gettext_lazy("Đã ghi nhận đơn trùng."),
        gettext_lazy("Ghi nhận trùng"),
        confirm=gettext_lazy("Xác định đơn này trùng với đơn đã nhập?"),
    ),
    Step(
        "withdraw",
        gettext_lazy("Rút đơn"),
        case_forms.WithdrawForm,
        services.case_withdraw,
        gettext_lazy("Đã ghi việc rút đơn."),
        gettext_lazy("Ghi rút đơn"),
        confirm=gettext_lazy("Ghi việc rút đơn? Rút toàn bộ sẽ kết thúc vụ việc."),
        danger=True,
    ),
    Step(
        "suspend",
        gettext_lazy("Đình chỉ giải quyết"),
        case_forms.SuspendForm,
        services.case_suspend,
        gettext_lazy("Đã đình chỉ giải quyết vụ việc."),
        gettext_lazy("Đình chỉ"),
        confirm=gettext_lazy("Đình chỉ giải quyết vụ việc? Vụ việc sẽ kết thúc."),
        danger=True,
    ),
    Step(
        "declare_conflict",
        gettext_lazy("Ghi nhận xung đột lợi ích"),
        case_forms.ConflictForm,
        services.case_declare_conflict,
        gettext_lazy("Đã ghi nhận; cán bộ này không còn được mở hay nhận vụ việc."),
        gettext_lazy("Ghi nhận"),
        confirm=gettext_lazy(
            "Cán bộ này sẽ bị thôi phân công và không mở được vụ việc nữa. Tiếp tục?"
        ),
        danger=True,
    ),
    Step(
        "recuse",
        gettext_lazy("Xin không tham gia vụ việc"),
        case_forms.RecuseForm,
        services.case_recuse,
        gettext_lazy("Bạn đã xin không tham gia vụ việc; vụ việc không còn hiện với bạn."),
        gettext_lazy("Xin không tham gia"),
        confirm=gettext_lazy(
            "Sau khi xin không tham gia, bạn sẽ không mở được vụ việc này nữa. Tiếp tục?"
        ),
        danger=True,
    ),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}

# The step that moves the case on, opened on the page for whoever may take it.
MAIN_STEPS = {
    Case.Status.RECEIVED: ("decide", "propose"),
    Case.Status.URGED: ("decide", "propose"),
    Case.Status.ACCEPTED: ("notify", "assign", "report"),
    Case.Status.VERIFYING: ("report", "conclude"),
    Case.Status.CONCLUDED: ("act_on_conclusion",),
    Case.Status.ACTED_ON: ("close",),
}


def _step_form(step: Step, case: Case, user, data=None, files=None):
    extra = {}
    if step.form_class is case_forms.DuplicateForm:
        extra["visible_cases"] = access.cases_visible_to(user).exclude(pk=case.pk)
    return step.form_class(data, files, case=case, user=user, prefix=step.slug, **extra)


def _main_step(case: Case, actions: access.CaseActions, *, reported: bool) -> str:
    for slug in MAIN_STEPS.get(case.status, ()):
        if not getattr(actions, slug):
            continue
        # The verifier reports (once, usually); the head, on a case under verification,
        # concludes.
        if slug == "report" and (reported or actions.conclude):
            continue
        return slug
    return ""


def _linked_cases(user, case: Case) -> dict:
    """Other contents of the same petition, follow-ups, duplicates: numbers for all, links only
    to those the user may open."""
    reverse_links = list(
        Case.objects.filter(Q(related_to=case) | Q(follow_up_of=case) | Q(duplicate_of=case))
        .order_by("received_on", "pk")
        .values_list("pk", "number", "related_to_id", "follow_up_of_id", "duplicate_of_id")
    )
    forward = [c for c in (case.related_to, case.follow_up_of, case.duplicate_of) if c]
    ids = {row[0] for row in reverse_links} | {c.pk for c in forward}
    visible = set(
        access.cases_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True) if ids else ()
    )

    def entry(pk, number):
        return {"pk": pk, "number": number, "visible": pk in visible}

    return {
        "related": [entry(r[0], r[1]) for r in reverse_links if r[2] == case.pk],
        "follow_ups": [entry(r[0], r[1]) for r in reverse_links if r[3] == case.pk],
        "duplicates": [entry(r[0], r[1]) for r in reverse_links if r[4] == case.pk],
        "related_to": entry(case.related_to.pk, case.related_to.number)
        if case.related_to
        else None,
        "follow_up_of": entry(case.follow_up_of.pk, case.follow_up_of.number)
        if case.follow_up_of
        else None,
        "duplicate_of": entry(case.duplicate_of.pk, case.duplicate_of.number)
        if case.duplicate_of
        else None,
    }


def _render_detail(request, case: Case, *, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    today = timezone.localdate()
    assignments = list(selectors.case_assignments(case))
    actions = access.case_actions(
        user, case, assigned=any(a.user_id == user.pk for a in assignments)
    )
    reporters = extensions.identity_vault().reporters_shown(case)
    notes = list(case.notes.select_related("author"))
    main = _main_step(
        case,
        actions,
        reported=any(note.kind == CaseNote.Kind.VERIFICATION_REPORT for note in notes),
    )
    panels = []
    for step in STEPS:
        if not getattr(actions, step.slug):
            continue
        if step.slug == "unassign" and not assignments:
            continue
        form = bound.get(step.slug) or _step_form(step, case, user)
        panels.append(
            {
                "step": step,
                "form": form,
                "url": reverse(f"cases:{step.slug}", args=[case.pk]),
                "open": step.slug in bound or step.slug == main,
                "multipart": form.is_multipart(),
            }
        )
    # What the apps above the kernel add to the page (identity, protection, duplicate hints).
    boxes: dict[str, list] = {}
    for box in extensions.case_panels():
        content = box.context(request, case, actions)
        if content is not None:
            boxes.setdefault(box.slot, []).append({"template": box.template, "panel": content})
    evidence = list(selectors.case_evidence(case))
    # Asked only when there is something to hide (it costs a query for most users).
    may_see_identity = any(item.identifying for item in evidence) and access.may_see_identity(
        user, case
    )
    evidence = [(item, may_see_identity or not item.identifying) for item in evidence]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "reporters": reporters,
            "timeline": selectors.case_timeline(case),
            "assignments": assignments,
            "evidence": evidence,
            "notes": notes,
            "deadline_state": selectors.deadline_state(
                case, today, deadlines.due_soon_limit(today)
            ),
            "next_step_label": deadlines.NEXT_STEP_LABELS.get(case.next_step, ""),
            "actions": actions,
            "panels": panels,
            "linked": _linked_cases(user, case),
            "boxes": boxes,
            "eligibility": [
                (label, case.eligibility.get(code))
                for code, label in services.ELIGIBILITY_CONDITIONS.items()
            ]
            if case.eligibility
            else [],
        },
        status=status,
    )


@login_required
def case_detail(request, pk: int):
    case = selectors.case_detail(user=request.user, pk=pk)
    return _render_detail(request, case)


@login_required
@require_POST
def case_step(request, pk: int, step: str):
    """Take one step of the procedure on a case: access, form, one service, back to the case."""
    step = STEPS_BY_SLUG.get(step)
    if step is None:
        raise Http404
    case = selectors.case_detail(user=request.user, pk=pk)
    if not getattr(access.case_actions(request.user, case), step.slug):
        raise PermissionDenied
    form = _step_form(step, case, request.user, request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):  # cut off by config.uploads
        form.is_valid()
        form.add_error(
            None,
            _("Tệp lớn hơn giới hạn %(mb)s MB.")
            % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)},
        )
    elif form.is_valid():
        try:
            step.perform(case=case, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        except deadlines.MissingTimeLimitRule:
            form.add_error(
                None,
                _(
                    "Chưa có thời hạn theo luật áp dụng cho bước này; hãy báo quản trị hệ "
                    "thống bổ sung (Thời hạn theo luật)."
                ),
            )
        else:
            messages.success(request, step.done)
            if step.slug == "recuse":
                return redirect("cases:list")
            return redirect(reverse("cases:detail", args=[case.pk]) + "#dien-bien")
    # The service may have changed the case in memory before refusing: show it as stored.
    case = selectors.case_detail(user=request.user, pk=pk)
    form.case = case
    return _render_detail(request, case, bound={step.slug: form}, status=200)


@sensitive_post_parameters()
@never_cache
@login_required
def evidence_download(request, pk: int, evidence_pk: int):
    """Serve an evidence file to someone who may open its case: as a download, never rendered
    inline, never cached. A file marked as identifying is a reveal of the reporter: it opens
    only to who may see the identity, after they give a reason that goes in the access log."""
    case = selectors.case_detail(user=request.user, pk=pk)
    evidence = get_object_or_404(Evidence.objects.defer("content"), pk=evidence_pk, case=case)
    if evidence.identifying:
        if not access.may_see_identity(request.user, case):
            raise PermissionDenied
        form = case_forms.RevealReasonForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            return render(
                request,
                "cases/evidence_open.html",
                {"case": case, "evidence": evidence, "form": form},
            )
        try:
            extensions.identity_vault().evidence_open(
                case=case,
                by=request.user,
                evidence_id=evidence.pk,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as error:
            form.add_error("reason", error)
            return render(
                request,
                "cases/evidence_open.html",
                {"case": case, "evidence": evidence, "form": form},
            )
    content = Evidence.objects.values_list("content", flat=True).get(pk=evidence.pk)
    response = HttpResponse(content, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=evidence.original_name
    )
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
@permission_required("cases.export_cases", raise_exception=True)
def case_export(request):
    """The case list, as filtered on screen, within what the user may see."""
    fmt = request.GET.get("format", "csv")
    if fmt not in exporting.FORMATS:
        return HttpResponseBadRequest(_("Định dạng không hợp lệ; chọn csv, xlsx hoặc json."))
    form = CaseFilterForm(request.GET or None, user=request.user)
    rows = exporting.case_rows(selectors.case_list(user=request.user, filters=form.filters()))
    name = exporting.filename(fmt)
    if fmt == "xlsx":
        # A zip file cannot be streamed before it is complete; it is built in a temporary file
        # (spilled to disk past 8 MB), never as one string in memory.
        target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
        exporting.write_xlsx(rows, target)
        target.seek(0)
        return FileResponse(
            target, as_attachment=True, filename=name, content_type=exporting.FORMATS[fmt]
        )
    chunks = exporting.csv_chunks(rows) if fmt == "csv" else exporting.json_chunks(rows)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=exporting.FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
