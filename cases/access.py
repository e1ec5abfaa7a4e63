"""Who may see and do what on a case. Views ask here; services enforce the procedure.

Visibility (PRODUCT.md, issue #3 item 7): the head sees every case; an intake officer the cases
they registered and the intake queue; a verifier only the cases assigned to them; the auditor and
the administrator no case content. A staff member marked as related to a case, named as its
accused, or who recused, can't open it at all.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import Assignment, Case, CaseConflict

INTAKE_QUEUE_STATUSES = (Case.Status.RECEIVED, Case.Status.URGED)


def cases_visible_to(user) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not (user.is_authenticated and user.is_active):
        return cases.none()
    if not user.has_perm("cases.view_all_cases"):
        conditions = []
        if user.has_perm("cases.register_case"):
            conditions.append(Q(registered_by=user))
        if user.has_perm("cases.view_intake_queue"):
            conditions.append(Q(status__in=INTAKE_QUEUE_STATUSES))
        if user.has_perm("cases.work_case"):
            conditions.append(Q(pk__in=Assignment.objects.filter(user=user).values("case_id")))
        if not conditions:
            return cases.none()
        visible = conditions[0]
        for condition in conditions[1:]:
            visible |= condition
        cases = cases.filter(visible)
    return cases.exclude(pk__in=CaseConflict.objects.filter(user=user).values("case_id"))


def can_view(user, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def is_assigned(user, case: Case) -> bool:
    return Assignment.objects.filter(case=case, user=user).exists()


def can_propose(user, case: Case) -> bool:
    return user.has_perm("cases.propose_handling") and case.status in INTAKE_QUEUE_STATUSES


def can_decide(user, case: Case) -> bool:
    return user.has_perm("cases.decide_case")


def can_assign(user, case: Case) -> bool:
    return user.has_perm("cases.assign_case")


def can_work(user, case: Case) -> bool:
    """Notes, evidence and the verification report: the assigned verifiers and the head."""
    if user.has_perm("cases.decide_case"):
        return True
    return user.has_perm("cases.work_case") and is_assigned(user, case)


def can_register(user) -> bool:
    return user.has_perm("cases.register_case")
