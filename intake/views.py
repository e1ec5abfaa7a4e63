from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from cases.access import cases_visible_to
from cases.services import ProcedureError
from intake import selectors, services
from intake.forms import ContentFormSet, PetitionForm, ReporterFormSet


@sensitive_post_parameters()
@never_cache
@login_required
@permission_required("cases.register_case", raise_exception=True)
@sensitive_variables("reporter_formset", "reporters")
def register(request):
    """Tiếp nhận đơn: the petition, its contents (one case each) and its signers."""
    visible = cases_visible_to(request.user)
    form = PetitionForm(request.POST or None, visible_cases=visible)
    if request.method == "GET" and request.GET.get("visit"):
        form.initial["reception_visit"] = request.GET["visit"]
        form.initial["channel"] = "in_person"
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
