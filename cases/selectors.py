"""Reads of cases for the screens and exports, always within what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases import deadlines
from cases.access import cases_visible_to
from cases.models import Assignment, Case, CaseEvent, Evidence
from core.text import fold


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    field: int | None = None
    channel: str = ""
    assignee: int | None = None
    deadline: str = ""  # "overdue" or "due_soon"
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def case_list(*, user, filters: CaseFilters | None = None) -> QuerySet[Case]:
    filters = filters or CaseFilters()
    cases = cases_visible_to(user)
    if filters.q:
        folded = fold(filters.q)
        cases = cases.filter(Q(search_text__contains=folded) | Q(number__iexact=filters.q.strip()))
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.status == "open":
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
    elif filters.status == "finished":
        cases = cases.filter(status__in=Case.FINISHED_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.field:
        cases = cases.filter(field_id=filters.field)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.assignee:
        cases = cases.filter(
            pk__in=Assignment.objects.filter(user_id=filters.assignee).values("case_id")
        )
    if filters.deadline:
        today = timezone.localdate()
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
        if filters.deadline == "overdue":
            cases = cases.filter(next_due__lt=today)
        elif filters.deadline == "due_soon":
            cases = cases.filter(next_due__gte=today, next_due__lte=deadlines.due_soon_limit(today))
    if filters.received_from:
        cases = cases.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        cases = cases.filter(received_on__lte=filters.received_to)
    return cases.select_related("field").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("user").order_by("-is_lead", "id"),
        )
    )


def case_detail(*, user, pk: int) -> Case:
    """The case if the user may open it; 404 otherwise, so its existence is not disclosed."""
    queryset = cases_visible_to(user).select_related(
        "field",
        "registered_by",
        "related_to",
        "follow_up_of",
        "duplicate_of",
        "reception_visit__session",
    )
    return get_object_or_404(queryset, pk=pk)


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("effective_on", "recorded_at", "id")


def case_assignments(case: Case) -> QuerySet[Assignment]:
    return case.assignments.select_related("user").order_by("-is_lead", "id")


def case_evidence(case: Case) -> QuerySet[Evidence]:
    return case.evidence.defer("content").select_related("uploaded_by")


def deadline_state(case: Case, today: dt.date, due_soon_limit: dt.date) -> str:
    """ "overdue", "due_soon" or "" for the case's next due date."""
    if not case.next_due or not case.is_open:
        return ""
    if case.next_due < today:
        return "overdue"
    if case.next_due <= due_soon_limit:
        return "due_soon"
    return ""
