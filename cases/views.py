from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from cases import access, deadlines, selectors
from cases.forms import CaseFilterForm
from cases.models import Case
from protection.models import Reporter, pseudonym

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
    rows = [(case, selectors.deadline_state(case, today, soon)) for case in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
def case_detail(request, pk: int):
    case = selectors.case_detail(user=request.user, pk=pk)
    today = timezone.localdate()
    # Only the columns a pseudonym needs: identity fields are not even decrypted here.
    reporters = [
        {"pseudonym": pseudonym(case.kind, position), "is_representative": representative}
        for position, representative in Reporter.objects.filter(case=case)
        .order_by("position")
        .values_list("position", "is_representative")
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "reporters": reporters,
            "timeline": selectors.case_timeline(case),
            "assignments": selectors.case_assignments(case),
            "evidence": selectors.case_evidence(case),
            "notes": case.notes.select_related("author"),
            "deadline_state": selectors.deadline_state(
                case, today, deadlines.due_soon_limit(today)
            ),
            "next_step_label": deadlines.NEXT_STEP_LABELS.get(case.next_step, ""),
            "can_work": access.can_work(request.user, case),
            "Status": Case.Status,
        },
    )
