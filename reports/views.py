from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import exports, services
from reports.figures import figure_rows, report_figures
from reports.forms import CUSTOM, FinalizeForm, PeriodForm
from reports.narrative import narrative
from reports.periods import current_preset, cutoff_day
from reports.selectors import snapshot_status


def _period_form(source) -> PeriodForm:
    data = source.copy()
    if not data.get("preset"):
        if data.get("start") or data.get("end"):
            data["preset"] = CUSTOM
        else:
            form = PeriodForm()
            data["preset"] = current_preset(form.today).code
    return PeriodForm(data)


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def report(request):
    form = _period_form(request.GET)
    day = cutoff_day()
    context = {"form": form, "cutoff": day, "cutoff_before": day - 1}
    if form.is_valid():
        figures = report_figures(form.period)
        status = snapshot_status(form.period, figures)
        context.update(
            period=form.period,
            query=form.query(),
            figures=figures,
            narrative=narrative(figures),
            grids=[exports.form_grid(f, figures) for f in exports.forms(figures)],
            rows=figure_rows(figures),
            status=status,
            snapshot_line=exports.snapshot_line(status),
            finalize_form=FinalizeForm(),
            formats=[("xlsx", "XLSX"), ("csv", "CSV"), ("json", "JSON"), ("text", _("Văn bản"))],
        )
    return render(request, "reports/report.html", context)


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def export(request, fmt: str):
    form = _period_form(request.GET)
    if fmt not in exports.WRITERS or not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    figures = report_figures(form.period)
    content = exports.export(figures, fmt, snapshot_status(form.period, figures))
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(figures, fmt)}"'
    return response


@login_required
@permission_required("reports.finalize_report", raise_exception=True)
@require_POST
def finalize(request):
    form = _period_form(request.POST)
    note_form = FinalizeForm(request.POST)
    if not (form.is_valid() and note_form.is_valid()):
        messages.error(request, _("Kỳ báo cáo không hợp lệ."))
        return redirect("reports:report")
    try:
        services.snapshot_finalize(
            period=form.period, by=request.user, note=note_form.cleaned_data["note"]
        )
    except services.SnapshotError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã chốt số liệu %(period)s.") % {"period": form.period.label})
    return redirect(f"{reverse('reports:report')}?{form.query()}")
