"""Statutory time limits: which one applies to a case, and when each step falls due.

The limits are data (TimeLimitRule, versioned by `effective_from`); the version that applies is
the newest in effect on the day the count starts. Counting (docs/product.md#counting): the day
of the event is not counted; "days" are calendar days and a period ending on a day off ends on
the next working day; "working days" skip weekends and holidays and count make-up Saturdays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.calendar import WorkingCalendar
from cases.models import Case, TimeLimitRule

Step = TimeLimitRule.Step
Variant = TimeLimitRule.Variant
Unit = TimeLimitRule.Unit

NEXT_STEP_LABELS = {
    "handling": _("Xử lý đơn"),
    "forward": _("Chuyển đơn"),
    "acceptance": _("Thụ lý giải quyết"),
    "notify": _("Thông báo thụ lý cho người gửi đơn"),
    "resolution": _("Giải quyết"),
    "act_on_conclusion": _("Tổ chức thực hiện kết luận"),
    "close": _("Kết thúc hồ sơ"),
    "retention_review": _("Xem xét tiêu hủy đơn không đủ điều kiện"),
    "await_agency": _("Chờ kết quả của cơ quan có thẩm quyền"),
}

# How close (in working days) a due date must be to count as "due soon".
DUE_SOON_WORKING_DAYS = 3


class MissingTimeLimitRule(LookupError):
    pass


class RuleBook:
    """All time-limit rules, read once, answering "which version applies on this day"."""

    def __init__(self, rules=None) -> None:
        if rules is None:
            rules = TimeLimitRule.objects.all()
        self._rules: dict[tuple[str, str, str], list[TimeLimitRule]] = {}
        for rule in rules:
            self._rules.setdefault((rule.kind, rule.step, rule.variant), []).append(rule)
        for versions in self._rules.values():
            versions.sort(key=lambda rule: rule.effective_from, reverse=True)

    def rule(self, *, kind: str, step: str, variant: str, on: dt.date) -> TimeLimitRule:
        for key in ((kind, step, variant), ("", step, variant)):
            for rule in self._rules.get(key, ()):
                if rule.effective_from <= on:
                    return rule
        raise MissingTimeLimitRule(
            f"No time-limit rule for {kind or '*'}/{step}/{variant} in effect on {on:%d/%m/%Y}. "
            "Add one in the admin (Thời hạn theo luật)."
        )


def apply_rule(rule: TimeLimitRule, start: dt.date, calendar: WorkingCalendar, extra_days=0):
    if rule.unit == Unit.WORKING_DAYS:
        return calendar.add_working_days(start, rule.limit + extra_days)
    if rule.unit == Unit.DAYS:
        return calendar.add_days(start, rule.limit + extra_days)
    return calendar.add_years(start, rule.limit)


@dataclass(frozen=True)
class Deadlines:
    handling_due: dt.date | None
    resolution_due: dt.date | None
    next_step: str
    next_due: dt.date | None


def handling_rule(case: Case, rules: RuleBook) -> TimeLimitRule:
    """The limit for the first decision on a petition (accept, forward, guide, ...)."""
    kind = case.kind
    on = case.received_on
    if kind == Case.Kind.DENUNCIATION:
        if case.follow_up_of_id:
            return rules.rule(kind=kind, step=Step.FOLLOW_UP, variant=Variant.STANDARD, on=on)
        # Outside the unit's authority the law gives 5 working days to forward, not 7 to
        # decide; the head's decision, once made, says which case this was.
        if (case.decision or case.proposed_decision) == Case.Decision.FORWARDED:
            return rules.rule(kind=kind, step=Step.FORWARD, variant=Variant.STANDARD, on=on)
        variant = Variant.MULTI_LOCATION if case.multi_location else Variant.STANDARD
        return rules.rule(kind=kind, step=Step.HANDLING, variant=variant, on=on)
    if kind == Case.Kind.COMPLAINT:
        return rules.rule(kind=kind, step=Step.ACCEPTANCE, variant=Variant.STANDARD, on=on)
    return rules.rule(kind=kind, step=Step.HANDLING, variant=Variant.STANDARD, on=on)


def resolution_rule(case: Case, rules: RuleBook, accepted_on: dt.date) -> TimeLimitRule | None:
    """The limit for resolving an accepted petition; None where the law sets none."""
    if case.kind == Case.Kind.DENUNCIATION:
        return rules.rule(
            kind=case.kind, step=Step.RESOLUTION, variant=Variant.STANDARD, on=accepted_on
        )
    if case.kind == Case.Kind.COMPLAINT:
        step = Step.RESOLUTION_SECOND if case.complaint_round == 2 else Step.RESOLUTION
        complex_ = case.extension != Case.Extension.NONE
        if case.remote_area:
            variant = Variant.REMOTE_COMPLEX if complex_ else Variant.REMOTE
        else:
            variant = Variant.COMPLEX if complex_ else Variant.STANDARD
        return rules.rule(kind=case.kind, step=step, variant=variant, on=accepted_on)
    return None


def extension_rule(case: Case, level: str, rules: RuleBook, on: dt.date) -> TimeLimitRule:
    return rules.rule(kind=case.kind, step=Step.EXTENSION, variant=level, on=on)


def resolution_due(
    case: Case, rules: RuleBook, calendar: WorkingCalendar, accepted_on: dt.date
) -> dt.date | None:
    rule = resolution_rule(case, rules, accepted_on)
    if rule is None:
        return None
    due = apply_rule(rule, accepted_on, calendar)
    if case.kind == Case.Kind.DENUNCIATION:
        # Each extension ("gia hạn ... không quá 30 ngày", Art. 30) runs from the end of the
        # time limit it extends, and that end has already moved off a day off (Civil Code,
        # Art. 148); a complex complaint has its own, longer limit instead (resolution_rule).
        for days in extension_periods(case):
            due = calendar.add_days(due, days)
    return due


def extension_periods(case: Case) -> list[int]:
    """The days granted by each extension, in order."""
    if case.extension_steps:
        return [int(days) for days in case.extension_steps]
    return [case.extension_days] if case.extension_days else []


def compute(case: Case, *, rules: RuleBook, calendar: WorkingCalendar) -> Deadlines:
    handling_due = apply_rule(handling_rule(case, rules), case.received_on, calendar)
    res_due = resolution_due(case, rules, calendar, case.accepted_on) if case.accepted_on else None
    status = Case.Status
    next_step, next_due = "", None
    if case.status == status.RECEIVED:
        next_step = handling_step(case)
        next_due = handling_due
    elif case.status == status.URGED:
        next_step = "await_agency"
    elif case.status in (status.ACCEPTED, status.VERIFYING):
        notify_due = None
        if case.kind == Case.Kind.DENUNCIATION and not case.reporter_notified_on:
            notify_rule = rules.rule(
                kind=case.kind, step=Step.NOTIFY, variant=Variant.STANDARD, on=case.accepted_on
            )
            notify_due = apply_rule(notify_rule, case.accepted_on, calendar)
        if notify_due and (res_due is None or notify_due <= res_due) and not case.anonymous:
            next_step, next_due = "notify", notify_due
        else:
            next_step, next_due = "resolution", res_due
    elif case.status == status.CONCLUDED:
        next_step = "act_on_conclusion"
    elif case.status == status.ACTED_ON:
        next_step = "close"
    elif case.status == status.FILED and case.is_eligible is False and case.decision_on:
        retention = rules.rule(
            kind="", step=Step.RETENTION, variant=Variant.STANDARD, on=case.decision_on
        )
        next_step = "retention_review"
        next_due = apply_rule(retention, case.decision_on, calendar)
    return Deadlines(
        handling_due=handling_due,
        resolution_due=res_due,
        next_step=next_step,
        next_due=next_due,
    )


def handling_step(case: Case) -> str:
    if case.kind == Case.Kind.COMPLAINT:
        return "acceptance"
    if case.kind == Case.Kind.DENUNCIATION and case.proposed_decision == Case.Decision.FORWARDED:
        return "forward"
    return "handling"


def due_soon_limit(today: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    """The last date that counts as "due soon" on `today`."""
    calendar = calendar or WorkingCalendar()
    return calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
