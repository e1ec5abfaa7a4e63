"""Who may see and do what on a case. Views ask here; services enforce the procedure.

Visibility (docs/product.md#users-and-roles, issue #3 item 7): the head sees every case; an
intake officer the cases they registered and the intake queue; a verifier only the cases assigned
to them; the auditor and the administrator no case content. A staff member marked as related to a
case, named as its accused, or who recused, can't open it at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cases import extensions
from cases.models import Assignment, Case, CaseConflict

INTAKE_QUEUE_STATUSES = (Case.Status.RECEIVED, Case.Status.URGED)
RESOLUTION_STATUSES = (Case.Status.ACCEPTED, Case.Status.VERIFYING)


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


@dataclass(frozen=True)
class CaseActions:
    """The steps a user may take on a case they can open, in its current state.

    The services still check the procedure (dates, order, limits); this decides who is asked.
    """

    check_eligibility: bool = False
    propose: bool = False
    decide: bool = False
    notify: bool = False
    assign: bool = False
    unassign: bool = False
    declare_conflict: bool = False
    recuse: bool = False
    note: bool = False
    add_evidence: bool = False
    report: bool = False
    extend: bool = False
    conclude: bool = False
    act_on_conclusion: bool = False
    close: bool = False
    withdraw: bool = False
    suspend: bool = False
    link_duplicate: bool = False
    see_possible_duplicates: bool = False


def case_actions(user, case: Case, *, assigned: bool | None = None) -> CaseActions:
    """What `user`, who may open `case`, may do on it now. Pass `assigned` when the caller has
    the case's assignments at hand, to save a query."""
    if assigned is None:
        assigned = is_assigned(user, case)
    status = case.status
    in_queue = status in INTAKE_QUEUE_STATUSES
    in_resolution = status in RESOLUTION_STATUSES
    proposes = user.has_perm("cases.propose_handling")
    decides = user.has_perm("cases.decide_case")
    assigns = user.has_perm("cases.assign_case")
    works = decides or (user.has_perm("cases.work_case") and assigned)
    registered = case.registered_by_id == user.pk and user.has_perm("cases.register_case")
    handles = proposes or decides
    return CaseActions(
        check_eligibility=proposes and in_queue,
        propose=proposes and in_queue,
        decide=decides and in_queue,
        notify=(
            decides
            and in_resolution
            and case.kind == Case.Kind.DENUNCIATION
            and not case.anonymous
            and case.reporter_notified_on is None
        ),
        assign=assigns and in_resolution,
        unassign=assigns and not case.is_finished,
        declare_conflict=assigns and not case.is_finished,
        recuse=True,
        note=works or registered,
        add_evidence=works or registered,
        report=works and in_resolution,
        extend=(
            decides and in_resolution and case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT)
        ),
        conclude=decides and in_resolution,
        act_on_conclusion=decides and status in (Case.Status.CONCLUDED, Case.Status.ACTED_ON),
        close=decides and status == Case.Status.ACTED_ON,
        withdraw=decides and case.is_open,
        suspend=decides and in_resolution,
        link_duplicate=handles and case.is_open and case.duplicate_of_id is None,
        see_possible_duplicates=handles and case.is_open,
    )


def may_see_identity(user, case: Case) -> bool:
    """Whether `user` may see what identifies the reporters of `case` (here: evidence marked as
    identifying). The identity vault owns that rule (docs/product.md#identity-protection)."""
    return extensions.identity_vault().may_see_identity(user, case)
