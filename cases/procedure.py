"""The steps of the procedure as plain functions on a case held in memory.

Each step checks that it is allowed in the case's current state (raising ProcedureError with
the message the screens show), changes the case's fields, recomputes its stored due dates and
returns a `Step`: the fields it changed and the timeline events that record it. Nothing here
writes to the database; the time-limit rules and the calendar are read once, through the
`Context`.

This is the one definition of the procedure. `cases.services` wraps each step with the row
lock, the save, the events and the history; the import runs the same steps on thousands of
cases in memory and writes the results in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import deadlines
from cases.calendar import WorkingCalendar
from cases.models import ELIGIBILITY_CONDITIONS, Case, CaseEvent

Status = Case.Status
Decision = Case.Decision
Kind = CaseEvent.Kind

# Decisions that end the handling of a petition outside the unit's authority.
CLOSING_DECISIONS = {
    Decision.FORWARDED: (Status.FORWARDED, Kind.FORWARDED),
    Decision.GUIDED: (Status.GUIDED, Kind.GUIDED),
    Decision.RETURNED: (Status.RETURNED, Kind.RETURNED),
    Decision.FILED: (Status.FILED, Kind.FILED),
}

DEADLINE_FIELDS = ["handling_due", "resolution_due", "next_step", "next_due"]

# Where each step may be taken from.
DECIDABLE = frozenset({Status.RECEIVED, Status.URGED})
UNDER_RESOLUTION = frozenset({Status.ACCEPTED, Status.VERIFYING})
WITHDRAWABLE = DECIDABLE | UNDER_RESOLUTION


class ProcedureError(ValidationError):
    """A step the procedure does not allow in the case's current state. Its `code` says which
    kind of check refused it where a caller needs to point at the input to blame (the import
    names a column): "status" (not from the case's current state), "date" (the step's date),
    else none (the step's own values)."""


class Context:
    """What a step is checked and computed against: today, the time-limit rules and the
    working-day calendar. Rules and calendar are read from the database when a step first
    needs them (a step refused before that costs no query), then kept for the next steps."""

    def __init__(
        self,
        *,
        today: dt.date | None = None,
        rules: deadlines.RuleBook | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.today = today or timezone.localdate()
        self._rules = rules
        self._calendar = calendar

    @property
    def rules(self) -> deadlines.RuleBook:
        if self._rules is None:
            self._rules = deadlines.RuleBook()
        return self._rules

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = WorkingCalendar()
        return self._calendar


@dataclass(frozen=True)
class EventSpec:
    """A timeline event to record for a step (the actor is whoever takes the step)."""

    kind: str
    on: dt.date
    note: str = ""
    document_number: str = ""
    due_on: dt.date | None = None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """What a step did: the case fields it changed (none: nothing to save) and its events."""

    fields: list[str]
    events: list[EventSpec]


def _never() -> bool:
    return False


# Checks ----------------------------------------------------------------------------------------


def check_status(case: Case, allowed) -> None:
    if case.status not in allowed:
        raise ProcedureError(
            _("Không thể thực hiện bước này khi vụ việc đang ở trạng thái “%(status)s”.")
            % {"status": case.get_status_display()},
            code="status",
        )


def last_step_on(case: Case) -> dt.date:
    """The day of the case's latest step that a later step may not precede: receipt, the
    handling decision (or urging), the acceptance. A withdrawal dated before the acceptance it
    would undo, or an acceptance dated before the urging it follows, would leave a timeline
    that reads backwards."""
    return max(day for day in (case.received_on, case.decision_on, case.accepted_on) if day)


def check_date(case: Case, on: dt.date, *, today: dt.date, earliest: dt.date | None = None) -> None:
    if on > today:
        raise ProcedureError(_("Ngày có hiệu lực không được sau ngày hôm nay."), code="date")
    earliest = earliest or case.received_on
    if on < earliest:
        raise ProcedureError(
            _("Ngày có hiệu lực không được trước ngày %(day)s.") % {"day": f"{earliest:%d/%m/%Y}"},
            code="date",
        )


def check_decision_allowed(
    case: Case, decision: str, *, was_forwarded: Callable[[], bool] = _never
) -> None:
    """`was_forwarded` says whether the case's timeline already has a FORWARDED step; asked
    only when it matters (a denunciation about to be forwarded)."""
    if decision not in Decision.values:
        raise ProcedureError(_("Hướng xử lý không hợp lệ."))
    if decision == Decision.ACCEPTED and case.anonymous:
        raise ProcedureError(
            _(
                "Đơn nặc danh không được thụ lý giải quyết theo Luật; hãy lưu đơn (nội dung có "
                "thể dùng cho công tác thanh tra, kiểm tra)."
            )
        )
    if case.anonymous and decision in (Decision.GUIDED, Decision.RETURNED):
        raise ProcedureError(
            _("Đơn nặc danh không có người gửi để hướng dẫn hay trả lại; hãy lưu đơn.")
        )
    if decision == Decision.ACCEPTED and case.is_eligible is False:
        raise ProcedureError(_("Đơn không đủ điều kiện xử lý thì không thụ lý."))
    if (
        decision == Decision.FORWARDED
        and case.kind == Case.Kind.DENUNCIATION
        and (case.channel == Case.Channel.FORWARDED or was_forwarded())
    ):
        raise ProcedureError(
            _(
                "Đơn tố cáo đã được chuyển một lần thì không chuyển tiếp (Thông tư 05/2021); "
                "hãy hướng dẫn hoặc lưu đơn."
            )
        )


def number_taken(number: str) -> ProcedureError:
    return ProcedureError(_("Số đơn %(number)s đã tồn tại.") % {"number": number})


def next_number(year: int, last: int, *, taken: Callable[[str], bool]) -> tuple[str, int]:
    """The year's first number after sequence `last` that is not `taken`, as "2026-0042"
    (a number typed in by hand, or imported, may already hold the next one)."""
    sequence = last
    while True:
        sequence += 1
        number = f"{year}-{sequence:04d}"
        if not taken(number):
            return number, sequence


def refresh_deadlines(
    case: Case,
    *,
    rules: deadlines.RuleBook,
    calendar: WorkingCalendar,
) -> list[str]:
    """Recompute the stored due dates; returns the fields that changed (not yet saved)."""
    computed = deadlines.compute(case, rules=rules, calendar=calendar)
    changed = []
    for name in DEADLINE_FIELDS:
        value = getattr(computed, name)
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    return changed


def _refresh(case: Case, ctx: Context) -> list[str]:
    return refresh_deadlines(case, rules=ctx.rules, calendar=ctx.calendar)


# Receipt ---------------------------------------------------------------------------------------


def check_receipt(
    *, kind: str, received_on: dt.date, follow_up_of: Case | None, today: dt.date
) -> None:
    """What must hold before a number is handed out."""
    if received_on > today:
        raise ProcedureError(_("Ngày nhận đơn không được sau ngày hôm nay."))
    if follow_up_of is not None and kind != Case.Kind.DENUNCIATION:
        raise ProcedureError(_("Chỉ đơn tố cáo mới có thể là tố cáo tiếp."))


def receive(
    ctx: Context,
    *,
    by,
    number: str,
    sequence: int | None,
    kind: str,
    channel: str,
    field,
    received_on: dt.date,
    summary: str,
    content: str = "",
    accused: str = "",
    corruption_related: bool = False,
    anonymous: bool = False,
    multi_location: bool = False,
    remote_area: bool = False,
    complaint_round: int = 1,
    reception_visit=None,
    related_to: Case | None = None,
    follow_up_of: Case | None = None,
    note: str = "",
    event_data: dict | None = None,
) -> tuple[Case, Step]:
    """A new, numbered (not yet saved) case with its due dates, and its RECEIVED event.

    `event_data` adds facts to the RECEIVED event's data (an import stores its row key there).
    The FOLLOW_UP_RECEIVED event goes on the other case, which the caller records."""
    check_receipt(kind=kind, received_on=received_on, follow_up_of=follow_up_of, today=ctx.today)
    case = Case(
        number=number,
        year=received_on.year,
        sequence=sequence,
        kind=kind,
        channel=channel,
        field=field,
        received_on=received_on,
        summary=summary,
        content=content,
        accused=accused,
        corruption_related=corruption_related,
        anonymous=anonymous,
        multi_location=multi_location,
        remote_area=remote_area,
        complaint_round=complaint_round,
        reception_visit=reception_visit,
        related_to=related_to,
        follow_up_of=follow_up_of,
        registered_by=by,
    )
    fields = _refresh(case, ctx)
    event = EventSpec(
        kind=Kind.RECEIVED,
        on=received_on,
        note=note,
        due_on=case.handling_due,
        data={**(event_data or {}), "channel": channel},
    )
    return case, Step(fields, [event])


# Handling --------------------------------------------------------------------------------------


def check_eligibility(
    case: Case, ctx: Context, *, conditions: dict[str, bool], on: dt.date | None = None, note=""
) -> Step:
    """The Circular 05/2021 checklist and its outcome."""
    on = on or ctx.today
    check_status(case, DECIDABLE)
    check_date(case, on, today=ctx.today, earliest=last_step_on(case))
    unknown = set(conditions) - set(ELIGIBILITY_CONDITIONS)
    if unknown:
        raise ProcedureError(_("Điều kiện không hợp lệ: %(codes)s") % {"codes": ", ".join(unknown)})
    checked = {code: bool(conditions.get(code)) for code in ELIGIBILITY_CONDITIONS}
    case.eligibility = checked
    case.is_eligible = all(checked.values())
    event = EventSpec(
        kind=Kind.ELIGIBILITY_CHECKED,
        on=on,
        note=note,
        data={"conditions": checked, "eligible": case.is_eligible},
    )
    return Step(["eligibility", "is_eligible"], [event])


def propose_handling(
    case: Case,
    ctx: Context,
    *,
    decision: str,
    on: dt.date | None = None,
    note: str = "",
    was_forwarded: Callable[[], bool] = _never,
) -> Step:
    """The intake officer's proposal; the head then decides."""
    on = on or ctx.today
    check_status(case, DECIDABLE)
    check_date(case, on, today=ctx.today, earliest=last_step_on(case))
    check_decision_allowed(case, decision, was_forwarded=was_forwarded)
    case.proposed_decision = decision
    fields = ["proposed_decision", *_refresh(case, ctx)]
    event = EventSpec(kind=Kind.HANDLING_PROPOSED, on=on, note=note, data={"decision": decision})
    return Step(fields, [event])


def decide(
    case: Case,
    ctx: Context,
    *,
    decision: str,
    on: dt.date | None = None,
    document_number: str = "",
    note: str = "",
    forwarded_to: str = "",
    was_forwarded: Callable[[], bool] = _never,
) -> Step:
    """The handling decision: accept, forward, guide, return, file away, or urge."""
    on = on or ctx.today
    check_status(case, DECIDABLE)
    check_date(case, on, today=ctx.today, earliest=last_step_on(case))
    check_decision_allowed(case, decision, was_forwarded=was_forwarded)
    if decision == Decision.FORWARDED and not forwarded_to.strip():
        raise ProcedureError(_("Hãy ghi cơ quan có thẩm quyền được chuyển đơn đến."))
    if decision == Decision.URGED and case.status == Status.URGED and not note:
        raise ProcedureError(_("Hãy ghi nội dung đôn đốc lần này."))

    case.decision = decision
    case.decision_on = on
    fields = ["decision", "decision_on"]
    data = {"decision": decision}
    due_on = None
    if decision == Decision.ACCEPTED:
        case.status = Status.ACCEPTED
        case.accepted_on = on
        fields += ["status", "accepted_on"]
        event_kind = Kind.ACCEPTED
    elif decision == Decision.URGED:
        case.status = Status.URGED
        fields.append("status")
        event_kind = Kind.URGED
    else:
        case.status, event_kind = CLOSING_DECISIONS[decision]
        case.resolved_on = on
        fields += ["status", "resolved_on"]
        if decision == Decision.FORWARDED:
            case.forwarded_to = forwarded_to.strip()
            fields.append("forwarded_to")
            data["forwarded_to"] = case.forwarded_to
    fields += _refresh(case, ctx)
    if decision == Decision.ACCEPTED:
        due_on = case.resolution_due
    if case.handling_due:
        # The handling limit this decision answered to: a forwarded denunciation's is 5 working
        # days, not the 7 put in force at receipt; reports judge "met or missed" by it.
        data["handling_due"] = case.handling_due.isoformat()
    event = EventSpec(
        kind=event_kind,
        on=on,
        note=note,
        document_number=document_number,
        due_on=due_on,
        data=data,
    )
    return Step(fields, [event])


# Resolution ------------------------------------------------------------------------------------


def notify_reporter(
    case: Case, ctx: Context, *, on: dt.date | None = None, document_number="", note=""
) -> Step:
    """The notice of acceptance sent to the reporter (Law on Denunciations, Art. 29)."""
    on = on or ctx.today
    check_status(case, UNDER_RESOLUTION)
    check_date(case, on, today=ctx.today, earliest=case.accepted_on)
    if case.reporter_notified_on:
        raise ProcedureError(_("Đã thông báo thụ lý cho người gửi đơn."))
    case.reporter_notified_on = on
    fields = ["reporter_notified_on", *_refresh(case, ctx)]
    event = EventSpec(
        kind=Kind.REPORTER_NOTIFIED, on=on, note=note, document_number=document_number
    )
    return Step(fields, [event])


def start_verification(case: Case, ctx: Context) -> Step:
    """The first assignment of a verifier starts the verification (the ASSIGNED event, which
    names the verifier, is recorded by the caller)."""
    check_status(case, UNDER_RESOLUTION)
    if case.status == Status.ACCEPTED:
        case.status = Status.VERIFYING
        return Step(["status"], [])
    return Step([], [])


def extend(
    case: Case,
    ctx: Context,
    *,
    level: str,
    reason: str,
    days: int | None = None,
    on: dt.date | None = None,
    document_number: str = "",
) -> Step:
    """Extend the resolution time limit of a complex (or especially complex) case.

    Denunciation: complex allows one extension of at most 30 days, especially complex two.
    Complaint: a complex case gets the longer limit of the law instead (45 instead of 30, ...).
    """
    on = on or ctx.today
    check_status(case, UNDER_RESOLUTION)
    check_date(case, on, today=ctx.today, earliest=case.accepted_on)
    if not reason.strip():
        raise ProcedureError(_("Hãy ghi lý do gia hạn."))
    if case.kind not in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT):
        raise ProcedureError(_("Chỉ gia hạn giải quyết khiếu nại, tố cáo."))
    if level not in (Case.Extension.COMPLEX, Case.Extension.ESPECIALLY_COMPLEX):
        raise ProcedureError(_("Mức gia hạn không hợp lệ."))
    if case.resolution_due and on > case.resolution_due:
        raise ProcedureError(_("Đã quá hạn giải quyết: chỉ gia hạn trước khi hết hạn."))
    data = {"level": level}
    if case.kind == Case.Kind.COMPLAINT:
        if level != Case.Extension.COMPLEX:
            raise ProcedureError(
                _(
                    "Luật Khiếu nại không có mức “đặc biệt phức tạp”: chọn “phức tạp” để áp dụng "
                    "thời hạn giải quyết dài hơn."
                )
            )
        if case.extension != Case.Extension.NONE:
            raise ProcedureError(
                _("Vụ việc đã được xác định là phức tạp và đang áp dụng thời hạn dài hơn.")
            )
        case.extension = level
    else:
        rule = deadlines.extension_rule(case, level, ctx.rules, case.accepted_on)
        used = len(deadlines.extension_periods(case))
        if used >= rule.times:
            raise ProcedureError(
                _("Đã gia hạn %(used)s lần; vụ việc %(level)s chỉ được gia hạn %(times)s lần.")
                % {
                    "used": used,
                    "level": Case.Extension(level).label.lower(),
                    "times": rule.times,
                }
            )
        days = rule.limit if days is None else days
        if not 1 <= days <= rule.limit:
            raise ProcedureError(
                _("Mỗi lần gia hạn không quá %(limit)s ngày.") % {"limit": rule.limit}
            )
        case.extension_steps = [*deadlines.extension_periods(case), days]
        case.extension = level
        case.extension_days += days
        data["days"] = days
    previous_due = case.resolution_due
    fields = ["extension", "extension_days", "extension_steps", *_refresh(case, ctx)]
    data["resolution_due"] = case.resolution_due.isoformat() if case.resolution_due else None
    data["previous_due"] = previous_due.isoformat() if previous_due else None
    event = EventSpec(
        kind=Kind.EXTENDED,
        on=on,
        note=reason.strip(),
        document_number=document_number,
        due_on=case.resolution_due,
        data=data,
    )
    return Step(fields, [event])


def conclude(
    case: Case,
    ctx: Context,
    *,
    finding: str = "",
    on: dt.date | None = None,
    document_number: str = "",
    note: str = "",
) -> Step:
    """The conclusion (kết luận nội dung tố cáo, quyết định giải quyết khiếu nại, or the answer
    to a recommendation). Complaints and denunciations carry a finding; recommendations none."""
    on = on or ctx.today
    check_status(case, UNDER_RESOLUTION)
    check_date(case, on, today=ctx.today, earliest=case.accepted_on)
    needs_finding = case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT)
    if needs_finding and finding not in Case.Finding.values:
        raise ProcedureError(_("Hãy chọn kết luận: đúng, đúng một phần hoặc sai."))
    if not needs_finding and finding:
        raise ProcedureError(_("Kiến nghị, phản ánh không có kết luận đúng, sai."))
    case.status = Status.CONCLUDED
    case.finding = finding
    case.concluded_on = on
    case.resolved_on = on
    fields = ["status", "finding", "concluded_on", "resolved_on", *_refresh(case, ctx)]
    event = EventSpec(
        kind=Kind.CONCLUDED,
        on=on,
        note=note,
        document_number=document_number,
        data={"finding": finding},
    )
    return Step(fields, [event])


def act_on_conclusion(
    case: Case, ctx: Context, *, note: str, on: dt.date | None = None, document_number=""
) -> Step:
    on = on or ctx.today
    check_status(case, {Status.CONCLUDED, Status.ACTED_ON})
    check_date(case, on, today=ctx.today, earliest=case.concluded_on)
    if not note.strip():
        raise ProcedureError(_("Hãy ghi việc đã làm để thực hiện kết luận."))
    fields = []
    if case.status == Status.CONCLUDED:
        case.status = Status.ACTED_ON
        fields = ["status", *_refresh(case, ctx)]
    event = EventSpec(
        kind=Kind.CONCLUSION_ACTED_ON,
        on=on,
        note=note.strip(),
        document_number=document_number,
    )
    return Step(fields, [event])


def close(case: Case, ctx: Context, *, on: dt.date | None = None, note: str = "") -> Step:
    on = on or ctx.today
    check_status(case, {Status.ACTED_ON})
    check_date(case, on, today=ctx.today, earliest=case.concluded_on)
    case.status = Status.CLOSED
    fields = ["status", *_refresh(case, ctx)]
    return Step(fields, [EventSpec(kind=Kind.CLOSED, on=on, note=note)])


def withdraw(
    case: Case,
    ctx: Context,
    *,
    on: dt.date | None = None,
    partial: bool = False,
    signs_of_violation: bool = False,
    note: str = "",
    document_number: str = "",
) -> Step:
    """Rút đơn. A partial withdrawal leaves the rest open; a withdrawal where there are signs of
    a violation does not end the case (Law on Denunciations, Art. 33)."""
    on = on or ctx.today
    check_status(case, WITHDRAWABLE)
    check_date(case, on, today=ctx.today, earliest=last_step_on(case))
    if signs_of_violation and case.kind != Case.Kind.DENUNCIATION:
        raise ProcedureError(
            _("Chỉ việc rút đơn tố cáo mới được xem xét dấu hiệu vi phạm để tiếp tục giải quyết.")
        )
    if partial or signs_of_violation:
        event = EventSpec(
            kind=Kind.PARTIALLY_WITHDRAWN if partial else Kind.WITHDRAWAL_NOT_ENDING,
            on=on,
            note=note,
            document_number=document_number,
            data={"partial": partial, "signs_of_violation": signs_of_violation},
        )
        return Step([], [event])
    case.status = Status.WITHDRAWN
    case.withdrawn_on = on
    case.resolved_on = on
    fields = ["status", "withdrawn_on", "resolved_on", *_refresh(case, ctx)]
    event = EventSpec(kind=Kind.WITHDRAWN, on=on, note=note, document_number=document_number)
    return Step(fields, [event])


def suspend(
    case: Case, ctx: Context, *, reason: str, on: dt.date | None = None, document_number=""
) -> Step:
    """Đình chỉ: ends the resolution before a conclusion (e.g. the accused has died)."""
    on = on or ctx.today
    check_status(case, UNDER_RESOLUTION)
    check_date(case, on, today=ctx.today, earliest=case.accepted_on)
    if not reason.strip():
        raise ProcedureError(_("Hãy ghi lý do đình chỉ."))
    case.status = Status.SUSPENDED
    case.resolved_on = on
    fields = ["status", "resolved_on", *_refresh(case, ctx)]
    event = EventSpec(
        kind=Kind.SUSPENDED, on=on, note=reason.strip(), document_number=document_number
    )
    return Step(fields, [event])
