"""Import (upload, preview, confirm) and export of cases, for the screens.

The import file holds reporter identities in clear. It stays in memory while a request handles
it; between the preview and the confirmation it waits encrypted (the same keys as the reporters'
fields) in a holding row of the session table that expires after an hour, so it works behind
any number of app servers and never lands on disk in clear.
"""

from __future__ import annotations

import tempfile
import zlib
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.sessions.backends.db import SessionStore as HoldingStore
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET

from cases import exporting, importing, selectors
from cases.forms import CaseFilterForm
from cases.models import Case
from protection import crypto

PENDING_KEY = "pending_import"
PENDING_SECONDS = 60 * 60
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
        return render(request, "cases/import.html", context)
    if request.POST.get("action") == "confirm":
        return _confirm(request, context)
    if request.POST.get("action") == "cancel":
        _pending_discard(request)
        return redirect("cases:import")

    form = ImportForm(request.POST, request.FILES)
    if int(request.META.get("CONTENT_LENGTH") or 0) > importing.IMPORT_MAX_BYTES:
        form.add_error(
            "file",
            _("Tệp lớn hơn %(limit)s MB; hãy chia thành nhiều tệp.") % {"limit": context["max_mb"]},
        )
    if not form.is_valid():
        return render(request, "cases/import.html", {**context, "form": form})
    upload = form.cleaned_data["file"]
    data = upload.read()
    plan = importing.plan_import(data)
    name = upload.name[-120:]
    if not plan.is_valid:
        _pending_discard(request)
        return render(request, "cases/import.html", {**context, "errors": plan.errors})
    _pending_save(request, data, name)
    return render(
        request,
        "cases/import.html",
        {**context, "preview": _preview(plan), "file_name": name},
    )


@sensitive_variables("data", "_plan")
def _confirm(request, context):
    data, name = _pending_load(request)
    if data is None:
        messages.warning(
            request, _("Không còn tệp chờ xác nhận (đã quá một giờ?). Hãy tải tệp lên lại.")
        )
        return redirect("cases:import")
    try:
        _plan, result = importing.import_file(data, by=request.user, source=name)
    except importing.ImportFailed as failure:
        # The database changed since the preview (someone imported the same rows, say).
        _pending_discard(request)
        return render(request, "cases/import.html", {**context, "errors": failure.errors})
    _pending_discard(request)
    messages.success(
        request,
        ngettext(
            "Đã nhập %(imported)d đơn; bỏ qua %(skipped)d đơn đã nhập trước đó.",
            "Đã nhập %(imported)d đơn; bỏ qua %(skipped)d đơn đã nhập trước đó.",
            result.imported,
        )
        % {"imported": result.imported, "skipped": result.skipped},
    )
    return redirect("cases:import")


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


@sensitive_variables("data")
def _pending_save(request, data: bytes, name: str) -> None:
    _pending_discard(request)
    store = HoldingStore()
    store["file"] = crypto.encrypt_bytes(zlib.compress(data)).decode("ascii")
    store["name"] = name
    store["user"] = request.user.pk
    store.set_expiry(PENDING_SECONDS)
    store.create()
    request.session[PENDING_KEY] = store.session_key


@sensitive_variables("store", "token", "data")
def _pending_load(request) -> tuple[bytes | None, str]:
    key = request.session.get(PENDING_KEY)
    if not key:
        return None, ""
    store = HoldingStore(session_key=key)
    token = store.get("file")
    if not token or store.get("user") != request.user.pk:
        return None, ""
    data = zlib.decompress(crypto.decrypt_bytes(token.encode("ascii"), label="pending import"))
    return data, store.get("name", "")


def _pending_discard(request) -> None:
    key = request.session.pop(PENDING_KEY, None)
    if key:
        HoldingStore(session_key=key).delete()


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


# Export ----------------------------------------------------------------------------------------


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
