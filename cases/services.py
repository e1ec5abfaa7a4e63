"""Every change to a case goes through these functions.

Each runs in one transaction, locks the case row, takes the step of the procedure
(`cases.procedure`: checks it is allowed, changes the case, recomputes the statutory due dates)
and writes the change with `save(update_fields=...)` and the timeline event that records it.
Who may call which one is decided in `cases.access`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from cases import deadlines, extensions, procedure
from cases.calendar import WorkingCalendar
from cases.models import (
    ELIGIBILITY_CONDITIONS,  # noqa: F401  (forms read it from here)
    Assignment,
    Case,
    CaseConflict,
    CaseCounter,
    CaseEvent,
    CaseNote,
    Evidence,
)

# Callers (views, admin, other apps, the import) take these from the services.
from cases.procedure import CLOSING_DECISIONS, ProcedureError  # noqa: F401

Status = Case.Status
Kind = CaseEvent.Kind

ALLOWED_EVIDENCE_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}


def _today() -> dt.date:
    return timezone.localdate()


def _context(
    rules: deadlines.RuleBook | None = None, calendar: WorkingCalendar | None = None
) -> procedure.Context:
    return procedure.Context(today=_today(), rules=rules, calendar=calendar)


def _check_date(case: Case, on: dt.date, *, earliest: dt.date | None = None) -> None:
    procedure.check_date(case, on, today=_today(), earliest=earliest)


def _lock(case: Case) -> None:
    """Lock the row, refuse if somebody moved the case on since the caller loaded it, and
    reload it: a step that keeps the status (an extension, a notice) must still see what the
    step before it wrote, or two extensions taken at once would both count as the first."""
    seen = case.status
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    if case.status != seen:
        raise ProcedureError(
            _("Vụ việc %(number)s vừa được người khác cập nhật; hãy tải lại trang.")
            % {"number": case.number}
        )


def _save(case: Case, by, fields: list[str]) -> None:
    case._history_user = by
    case.save(update_fields=[*fields, "updated_at"])


def _apply(case: Case, by, step: procedure.Step) -> Case:
    """Write what a step of the procedure did: the changed fields (with their history row),
    then its events."""
    if step.fields:
        _save(case, by, step.fields)
    _record(case, by, step.events)
    return case


def _record(case: Case, by, events: list[procedure.EventSpec]) -> None:
    for event in events:
        event_record(
            case=case,
            kind=event.kind,
            on=event.on,
            by=by,
            note=event.note,
            document_number=event.document_number,
            due_on=event.due_on,
            data=event.data,
        )


def _was_forwarded(case: Case):
    return lambda: case.events.filter(kind=Kind.FORWARDED).exists()


def event_record(
    *,
    case: Case,
    kind: str,
    on: dt.date,
    by=None,
    note: str = "",
    document_number: str = "",
    due_on: dt.date | None = None,
    data: dict | None = None,
) -> CaseEvent:
    """Append one step to the case's timeline. Call inside the transaction of the change."""
    (event,) = events_write(
        [
            CaseEvent(
                case=case,
                kind=kind,
                effective_on=on,
                actor=by,
                note=note,
                document_number=document_number,
                due_on=due_on,
                data=data or {},
            )
        ]
    )
    return event


def events_write(events: list[CaseEvent]) -> list[CaseEvent]:
    """Write timeline events: the one function that does, for a step taken on a screen and for
    a batch of imported rows alike. The apps that follow the timeline (the report read model)
    are told in the same transaction."""
    events = CaseEvent.objects.bulk_create(events)
    extensions.timeline_written(events)
    return events


def deadlines_refresh(
    case: Case,
    *,
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[str]:
    """Recompute the stored due dates; returns the fields that changed (not yet saved)."""
    return procedure.refresh_deadlines(
        case, rules=rules or deadlines.RuleBook(), calendar=calendar or WorkingCalendar()
    )


# Cases whose stored due dates still matter: the open ones, and petitions filed away as
# ineligible, which wait for the head's decision to destroy them after the retention period.
DEADLINE_TRACKED = Q(status__in=Case.OPEN_STATUSES) | Q(status=Status.FILED, is_eligible=False)
DEADLINE_FIELDS = procedure.DEADLINE_FIELDS


@dataclass(frozen=True)
class RecomputeResult:
    checked: int
    changed: int
    # Numbers of cases no rule in force applies to (left as they were).
    without_rule: tuple[str, ...] = ()


def deadlines_recompute_open_cases(
    *,
    by=None,
    batch_size: int = 500,
    progress: Callable[[int, int, int], None] | None = None,
    reason: str = "",
) -> RecomputeResult:
    """Bring the stored due dates of every case still under way up to date with the current
    time-limit rules and calendar (after an administrator adds or changes one).

    Works in batches, each in its own transaction with its rows locked, so a long run neither
    holds every open case at once nor overwrites a step someone takes meanwhile. The changes go
    to the cases' history with `reason`. `progress(done, total, changed)` is called per batch.
    """
    rules = deadlines.RuleBook()
    calendar = WorkingCalendar()
    ids = list(Case.objects.filter(DEADLINE_TRACKED).order_by("pk").values_list("pk", flat=True))
    total, changed, without_rule = len(ids), 0, []
    for start in range(0, total, batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            cases = list(Case.objects.select_for_update().filter(pk__in=chunk).order_by("pk"))
            moved = []
            for case in cases:
                try:
                    if deadlines_refresh(case, rules=rules, calendar=calendar):
                        moved.append(case)
                except deadlines.MissingTimeLimitRule:
                    without_rule.append(case.number)
            if moved:
                bulk_update_with_history(
                    moved,
                    Case,
                    DEADLINE_FIELDS,
                    default_user=by,
                    # simple_history keeps 100 characters of a reason.
                    default_change_reason=(reason or _("Tính lại thời hạn"))[:100],
                )
        changed += len(moved)
        if progress is not None:
            progress(min(start + batch_size, total), total, changed)
    return RecomputeResult(checked=total, changed=changed, without_rule=tuple(without_rule))


def case_number_next(year: int) -> tuple[str, int]:
    """The next free number of the year, as "2026-0042". Locks the year's counter row."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(year=year)
    number, sequence = procedure.next_number(
        year, counter.last, taken=lambda number: Case.objects.filter(number=number).exists()
    )
    counter.last = sequence
    counter.save(update_fields=["last"])
    return number, sequence


@transaction.atomic
def case_create(
    *,
    by,
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
    number: str | None = None,
    reception_visit=None,
    related_to: Case | None = None,
    follow_up_of: Case | None = None,
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
    note: str = "",
    event_data: dict | None = None,
) -> Case:
    """Register a petition (without its reporters: see intake.services.petition_register).

    `event_data` adds facts to the RECEIVED event's data (an import stores its row key there).
    """
    ctx = _context(rules, calendar)
    procedure.check_receipt(
        kind=kind, received_on=received_on, follow_up_of=follow_up_of, today=ctx.today
    )
    if number:
        sequence = None
        if Case.objects.filter(number=number).exists():
            raise procedure.number_taken(number)
    else:
        number, sequence = case_number_next(received_on.year)
    case, step = procedure.receive(
        ctx,
        by=by,
        number=number,
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
        note=note,
        event_data=event_data,
    )
    case._history_user = by
    case.save()
    _record(case, by, step.events)
    if follow_up_of is not None:
        event_record(
            case=follow_up_of,
            kind=Kind.FOLLOW_UP_RECEIVED,
            on=received_on,
            by=by,
            data={"follow_up": case.number},
        )
    return case


@transaction.atomic
def case_check_eligibility(
    *, case: Case, by, conditions: dict[str, bool], on: dt.date | None = None, note: str = ""
) -> Case:
    """Record the Circular 05/2021 checklist and its outcome."""
    _lock(case)
    step = procedure.check_eligibility(case, _context(), conditions=conditions, on=on, note=note)
    return _apply(case, by, step)


@transaction.atomic
def case_propose_handling(
    *, case: Case, by, decision: str, on: dt.date | None = None, note: str = ""
) -> Case:
    """The intake officer's proposal; the head then decides (case_decide)."""
    _lock(case)
    step = procedure.propose_handling(
        case, _context(), decision=decision, on=on, note=note, was_forwarded=_was_forwarded(case)
    )
    return _apply(case, by, step)


@transaction.atomic
def case_decide(
    *,
    case: Case,
    by,
    decision: str,
    on: dt.date | None = None,
    document_number: str = "",
    note: str = "",
    forwarded_to: str = "",
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> Case:
    """The handling decision: accept, forward, guide, return, file away, or urge."""
    _lock(case)
    step = procedure.decide(
        case,
        _context(rules, calendar),
        decision=decision,
        on=on,
        document_number=document_number,
        note=note,
        forwarded_to=forwarded_to,
        was_forwarded=_was_forwarded(case),
    )
    return _apply(case, by, step)


@transaction.atomic
def case_notify_reporter(
    *, case: Case, by, on: dt.date | None = None, document_number: str = "", note: str = ""
) -> Case:
    """The notice of acceptance sent to the reporter (Law on Denunciations, Art. 29)."""
    _lock(case)
    step = procedure.notify_reporter(
        case, _context(), on=on, document_number=document_number, note=note
    )
    return _apply(case, by, step)


@transaction.atomic
def case_assign(
    *, case: Case, user, by, on: dt.date | None = None, is_lead: bool = False, note: str = ""
) -> Assignment:
    """Assign a verifier; the first assignment starts the verification."""
    on = on or _today()
    _lock(case)
    procedure.check_status(case, procedure.UNDER_RESOLUTION)
    _check_date(case, on, earliest=case.accepted_on)
    conflict = CaseConflict.objects.filter(case=case, user=user).first()
    if conflict is not None:
        raise ProcedureError(
            _("Không thể giao %(user)s: %(reason)s.")
            % {"user": user, "reason": conflict.get_reason_display().lower()}
        )
    if not user.is_active or not user.has_perm("cases.work_case"):
        raise ProcedureError(_("%(user)s không phải cán bộ xác minh.") % {"user": user})
    if Assignment.objects.filter(case=case, user=user).exists():
        raise ProcedureError(_("%(user)s đã được giao vụ việc này.") % {"user": user})
    assignment = Assignment.objects.create(
        case=case, user=user, is_lead=is_lead, assigned_by=by, assigned_on=on
    )
    _apply(case, by, procedure.start_verification(case, _context()))
    event_record(
        case=case,
        kind=Kind.ASSIGNED,
        on=on,
        by=by,
        note=note,
        data={"user_id": user.pk, "user": str(user), "lead": is_lead},
    )
    return assignment


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    user,
    to,
    by,
    on: dt.date | None = None,
    is_lead: bool = False,
    note: str = "",
) -> Assignment:
    """Hand `user`'s assignment to `to` (or, with `to` the same person, make them lead or no
    longer lead). Both steps go on the timeline; if `to` cannot be assigned, `user` stays."""
    on = on or _today()
    _lock(case)
    case_unassign(case=case, user=user, by=by, on=on, note=note)
    return case_assign(case=case, user=to, by=by, on=on, is_lead=is_lead, note=note)


@transaction.atomic
def case_unassign(*, case: Case, user, by, on: dt.date | None = None, note: str = "") -> None:
    on = on or _today()
    _check_date(case, on)
    deleted, _detail = Assignment.objects.filter(case=case, user=user).delete()
    if not deleted:
        raise ProcedureError(_("%(user)s không được giao vụ việc này.") % {"user": user})
    event_record(
        case=case,
        kind=Kind.UNASSIGNED,
        on=on,
        by=by,
        note=note,
        data={"user_id": user.pk, "user": str(user)},
    )


@transaction.atomic
def case_declare_conflict(
    *, case: Case, user, reason: str, by, note: str = "", on: dt.date | None = None
) -> CaseConflict:
    """Mark a staff member as the accused or related to the case: they lose any assignment and
    can no longer open it."""
    on = on or _today()
    if reason not in CaseConflict.Reason.values:
        raise ProcedureError(_("Lý do không hợp lệ."))
    conflict, created = CaseConflict.objects.get_or_create(
        case=case, user=user, defaults={"reason": reason, "note": note, "declared_by": by}
    )
    if not created:
        raise ProcedureError(
            _("%(user)s đã được ghi nhận: %(reason)s.")
            % {"user": user, "reason": conflict.get_reason_display().lower()}
        )
    removed, _detail = Assignment.objects.filter(case=case, user=user).delete()
    event_record(
        case=case,
        kind=Kind.RECUSED if reason == CaseConflict.Reason.RECUSED else Kind.CONFLICT_DECLARED,
        on=on,
        by=by,
        note=note,
        data={
            "user_id": user.pk,
            "user": str(user),
            "reason": reason,
            "unassigned": bool(removed),
        },
    )
    return conflict


def case_recuse(*, case: Case, by, note: str = "") -> CaseConflict:
    """Anyone can step away from a case; afterwards they can neither open it nor be assigned."""
    return case_declare_conflict(
        case=case, user=by, reason=CaseConflict.Reason.RECUSED, by=by, note=note
    )


@transaction.atomic
def case_note_add(*, case: Case, by, text: str, on: dt.date | None = None) -> CaseNote:
    """A working note. `on` dates it on the timeline (today unless entered late)."""
    on = on or _today()
    _check_date(case, on)
    if not text.strip():
        raise ProcedureError(_("Ghi chú đang để trống."))
    note = CaseNote.objects.create(case=case, author=by, text=text.strip())
    event_record(case=case, kind=Kind.NOTE_ADDED, on=on, by=by, data={"note_id": note.pk})
    return note


def _sniff_type(head: bytes, declared: str, name: str) -> str | None:
    """Trust the bytes, not the browser: return the type when content and name agree."""
    lowered = name.lower()
    if head.startswith(b"%PDF-"):
        return "application/pdf" if lowered.endswith(".pdf") else None
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg" if lowered.endswith((".jpg", ".jpeg")) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png" if lowered.endswith(".png") else None
    if head.startswith(b"PK\x03\x04"):
        for content_type, suffix in ALLOWED_EVIDENCE_TYPES.items():
            if suffix in (".docx", ".xlsx") and lowered.endswith(suffix):
                return content_type
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if lowered.endswith(".doc"):
            return "application/msword"
        if lowered.endswith(".xls"):
            return "application/vnd.ms-excel"
        return None
    if lowered.endswith(".txt"):
        # The head may end in the middle of a multi-byte letter; only what is complete counts.
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            return None
        return "text/plain" if b"\x00" not in head else None
    return None


@transaction.atomic
def evidence_add(
    *,
    case: Case,
    by,
    upload,
    description: str,
    identifying: bool = False,
    on: dt.date | None = None,
) -> Evidence:
    """Store an uploaded file, encrypted, after checking its size and real type.

    `identifying` marks a file that could identify the reporter (the original petition,
    handwriting): only those who may see the reporter's identity download it."""
    on = on or _today()
    _check_date(case, on)
    if not upload.size:
        raise ProcedureError(_("Tệp rỗng."))
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ProcedureError(
            _("Tệp lớn hơn giới hạn %(limit)s MB.")
            % {"limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    content_type = _sniff_type(data[:2048], upload.content_type or "", upload.name)
    if content_type is None:
        raise ProcedureError(
            _("Chỉ nhận tệp PDF, ảnh JPEG/PNG, Word, Excel hoặc văn bản thuần (UTF-8).")
        )
    evidence = Evidence.objects.create(
        case=case,
        description=description.strip() or upload.name,
        original_name=upload.name[:255],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        identifying=identifying,
        uploaded_by=by,
    )
    event_record(
        case=case,
        kind=Kind.EVIDENCE_ADDED,
        on=on,
        by=by,
        # An identifying file's description may itself say too much ("đơn viết tay của ...").
        note="" if identifying else evidence.description,
        data={"evidence_id": evidence.pk, "identifying": identifying},
    )
    return evidence


@transaction.atomic
def case_report_verification(*, case: Case, by, text: str, on: dt.date | None = None) -> CaseNote:
    """The verifier's report of the verification results, which the conclusion rests on."""
    on = on or _today()
    _lock(case)
    procedure.check_status(case, procedure.UNDER_RESOLUTION)
    _check_date(case, on, earliest=case.accepted_on)
    if not text.strip():
        raise ProcedureError(_("Báo cáo kết quả xác minh đang để trống."))
    note = CaseNote.objects.create(
        case=case, author=by, text=text.strip(), kind=CaseNote.Kind.VERIFICATION_REPORT
    )
    event_record(
        case=case, kind=Kind.VERIFICATION_REPORTED, on=on, by=by, data={"note_id": note.pk}
    )
    return note


@transaction.atomic
def case_extend(
    *,
    case: Case,
    by,
    level: str,
    reason: str,
    days: int | None = None,
    on: dt.date | None = None,
    document_number: str = "",
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> Case:
    """Extend the resolution time limit of a complex (or especially complex) case
    (see procedure.extend for what the laws allow)."""
    _lock(case)
    step = procedure.extend(
        case,
        _context(rules, calendar),
        level=level,
        reason=reason,
        days=days,
        on=on,
        document_number=document_number,
    )
    return _apply(case, by, step)


@transaction.atomic
def case_conclude(
    *,
    case: Case,
    by,
    finding: str = "",
    on: dt.date | None = None,
    document_number: str = "",
    note: str = "",
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> Case:
    """The conclusion (kết luận nội dung tố cáo, quyết định giải quyết khiếu nại, or the answer
    to a recommendation). Complaints and denunciations carry a finding; recommendations none."""
    _lock(case)
    step = procedure.conclude(
        case,
        _context(rules, calendar),
        finding=finding,
        on=on,
        document_number=document_number,
        note=note,
    )
    return _apply(case, by, step)


@transaction.atomic
def case_act_on_conclusion(
    *, case: Case, by, note: str, on: dt.date | None = None, document_number: str = ""
) -> Case:
    _lock(case)
    step = procedure.act_on_conclusion(
        case, _context(), note=note, on=on, document_number=document_number
    )
    return _apply(case, by, step)


@transaction.atomic
def case_close(*, case: Case, by, on: dt.date | None = None, note: str = "") -> Case:
    _lock(case)
    return _apply(case, by, procedure.close(case, _context(), on=on, note=note))


@transaction.atomic
def case_withdraw(
    *,
    case: Case,
    by,
    on: dt.date | None = None,
    partial: bool = False,
    signs_of_violation: bool = False,
    note: str = "",
    document_number: str = "",
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> Case:
    """Rút đơn. A partial withdrawal leaves the rest open; a withdrawal where there are signs of
    a violation does not end the case (Law on Denunciations, Art. 33)."""
    _lock(case)
    step = procedure.withdraw(
        case,
        _context(rules, calendar),
        on=on,
        partial=partial,
        signs_of_violation=signs_of_violation,
        note=note,
        document_number=document_number,
    )
    return _apply(case, by, step)


@transaction.atomic
def case_suspend(
    *, case: Case, by, reason: str, on: dt.date | None = None, document_number: str = ""
) -> Case:
    """Đình chỉ: ends the resolution before a conclusion (e.g. the accused has died)."""
    _lock(case)
    step = procedure.suspend(
        case, _context(), reason=reason, on=on, document_number=document_number
    )
    return _apply(case, by, step)


@transaction.atomic
def case_link_duplicate(
    *, case: Case, of: Case, by, note: str = "", on: dt.date | None = None
) -> Case:
    """Record that `case` is the same petition as the earlier `of`. The duplicate stays as it
    is (the head then usually files it away); the original lists it."""
    on = on or _today()
    _check_date(case, on)
    if case.pk == of.pk:
        raise ProcedureError(_("Một đơn không thể trùng với chính nó."))
    # Following `of`'s own links back to this case would make a circle of duplicates.
    original, seen = of, set()
    while original.duplicate_of_id and original.pk not in seen:
        seen.add(original.pk)
        if original.duplicate_of_id == case.pk:
            raise ProcedureError(
                _("Đơn %(number)s đã được xác định là trùng với đơn này.") % {"number": of.number}
            )
        original = Case.objects.only("pk", "duplicate_of_id").get(pk=original.duplicate_of_id)
    if case.duplicate_of_id:
        raise ProcedureError(_("Đơn này đã được xác định là trùng với một đơn khác."))
    case.duplicate_of = of
    _save(case, by, ["duplicate_of"])
    event_record(
        case=case,
        kind=Kind.DUPLICATE_LINKED,
        on=on,
        by=by,
        note=note,
        data={"duplicate_of": of.number},
    )
    return case
