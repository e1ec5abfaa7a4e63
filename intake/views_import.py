"""The spreadsheet import on screen: upload, preview, confirm.

The import file holds reporter identities in clear. It stays in memory while a request handles
it; between the preview and the confirmation it waits encrypted (the same keys as the reporters'
fields) in a holding row of the session table that expires after an hour, so it works behind
any number of app servers and never lands on disk in clear.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import (
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET

from cases import exporting
from cases.models import Case
from intake import importing, services

PREVIEW_ROWS = 50
# Above this many rows an import in one web request may come close to the server's timeout
# (gunicorn --timeout 120; the import runs at a few hundred rows a second): the page suggests
# the command instead.
LARGE_FILE_ROWS = 20000


# What each column of an import file holds, shown on the upload page (README has the same).
COLUMN_HELP = [
    ("number", gettext_lazy("Số đơn; để trống thì hệ thống cấp số (năm-số thứ tự).")),
    ("kind", "complaint, denunciation, recommendation, feedback"),
    ("channel", "in_person, post, email, online, forwarded, hotline"),
    ("field", gettext_lazy("Mã hoặc tên lĩnh vực (press, social_network, …).")),
    ("received_on", gettext_lazy("Ngày nhận đơn.")),
    ("summary", gettext_lazy("Tóm tắt nội dung (bắt buộc).")),
    ("accused", gettext_lazy("Người, cơ quan bị khiếu nại, tố cáo.")),
    ("corruption_related", gettext_lazy("Liên quan tham nhũng, lãng phí, tiêu cực: có/không.")),
    (
        "anonymous",
        gettext_lazy("Đơn nặc danh: có/không; đơn nặc danh để trống các cột reporter_*."),
    ),
    (
        "reporter_name, reporter_id_number, reporter_phone, reporter_address, reporter_email",
        gettext_lazy("Người gửi đơn; được mã hóa ngay khi nhập."),
    ),
    ("decision", "accepted, forwarded, guided, returned, filed, urged"),
    ("decision_on", gettext_lazy("Ngày xử lý đơn (bắt buộc khi có decision).")),
    ("extension", "none, complex, especially_complex"),
    ("finding", "founded, partly_founded, unfounded"),
    ("resolved_on", gettext_lazy("Ngày kết thúc (ngày kết luận, hoặc ngày xử lý đơn).")),
    ("withdrawn_on", gettext_lazy("Ngày rút đơn.")),
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp dữ liệu (.csv UTF-8 hoặc .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


# Import ----------------------------------------------------------------------------------------


@sensitive_post_parameters()
@never_cache
@login_required
@permission_required("cases.import_cases", raise_exception=True)
@sensitive_variables("data", "plan", "upload", "form")
def case_import(request):
    """The upload stays in memory (config.uploads.MemoryOnlyUploadHandler): it holds
    identities in clear until the import encrypts them."""
    context = {
        "max_mb": importing.IMPORT_MAX_BYTES // (1024 * 1024),
        "columns": COLUMN_HELP,
        "large_file_rows": LARGE_FILE_ROWS,
        "form": ImportForm(),
    }
    if request.method != "POST":
        return render(request, "intake/import.html", context)
    if request.POST.get("action") == "confirm":
        return _confirm(request, context)
    if request.POST.get("action") == "cancel":
        services.import_pending_discard(session=request.session)
        return redirect("intake:import")

    form = ImportForm(request.POST, request.FILES)
    if int(request.META.get("CONTENT_LENGTH") or 0) > importing.IMPORT_MAX_BYTES:
        form.add_error(
            "file",
            _("Tệp lớn hơn %(limit)s MB; hãy chia thành nhiều tệp.") % {"limit": context["max_mb"]},
        )
    if not form.is_valid():
        return render(request, "intake/import.html", {**context, "form": form})
    upload = form.cleaned_data["file"]
    data = upload.read()
    plan = importing.plan_import(data)
    name = upload.name[-120:]
    if not plan.is_valid:
        services.import_pending_discard(session=request.session)
        return render(request, "intake/import.html", {**context, "errors": plan.errors})
    services.import_pending_save(session=request.session, user=request.user, data=data, name=name)
    return render(
        request,
        "intake/import.html",
        {**context, "preview": _preview(plan), "file_name": name},
    )


@sensitive_variables("data", "_plan")
def _confirm(request, context):
    data, name = services.import_pending_load(session=request.session, user=request.user)
    if data is None:
        messages.warning(
            request, _("Không còn tệp chờ xác nhận (đã quá một giờ?). Hãy tải tệp lên lại.")
        )
        return redirect("intake:import")
    try:
        _plan, result = importing.import_file(data, by=request.user, source=name)
    except importing.ImportFailed as failure:
        # The database changed since the preview (someone imported the same rows, say).
        services.import_pending_discard(session=request.session)
        return render(request, "intake/import.html", {**context, "errors": failure.errors})
    services.import_pending_discard(session=request.session)
    messages.success(
        request,
        ngettext(
            "Đã nhập %(imported)d đơn; bỏ qua %(skipped)d đơn đã nhập trước đó.",
            "Đã nhập %(imported)d đơn; bỏ qua %(skipped)d đơn đã nhập trước đó.",
            result.imported,
        )
        % {"imported": result.imported, "skipped": result.skipped},
    )
    return redirect("intake:import")


def _preview(plan: importing.ImportPlan) -> dict:
    """Counts and the first rows, without a single reporter field."""
    kinds = Counter(row.kind for row in plan.rows)
    outcomes = Counter(row.outcome for row in plan.rows)
    return {
        "new": len(plan.rows),
        "skipped": len(plan.skipped_lines),
        "total": plan.total,
        "by_kind": [(label, kinds[value]) for value, label in Case.Kind.choices if kinds[value]],
        "by_status": [
            (label, outcomes[value]) for value, label in Case.Status.choices if outcomes[value]
        ],
        "rows": [
            {
                "line": row.line,
                "number": row.number,
                "received_on": row.received_on,
                "kind": Case.Kind(row.kind).label,
                "field": row.field.name,
                "summary": row.summary,
                "decision": Case.Decision(row.decision).label if row.decision else "",
                "status": Case.Status(row.outcome).label,
                "anonymous": row.anonymous,
            }
            for row in plan.rows[:PREVIEW_ROWS]
        ],
    }


@require_GET
@login_required
@permission_required("cases.import_cases", raise_exception=True)
def case_import_template(request):
    """An empty import file: the header row, for filling in Excel."""
    response = HttpResponse(
        "\ufeff" + ",".join(importing.COLUMNS) + "\r\n", content_type=exporting.FORMATS["csv"]
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-don.csv"'
    return response
