"""Every change to a case goes through these functions.

Each runs in one transaction, locks the case row, checks the step is allowed by the procedure,
writes the change with `save(update_fields=...)` and the timeline event that records it, and
recomputes the statutory due dates. Who may call which one is decided in `cases.access`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from cases import deadlines
from cases.calendar import WorkingCalendar
from cases.models import (
    ELIGIBILITY_CONDITIONS,
    Assignment,
    Case,
    CaseConflict,
    CaseCounter,
    CaseEvent,
    CaseNote,
    Evidence,
)

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


class ProcedureError(ValidationError):
    """A step the procedure does not allow in the case's current state."""


def _today() -> dt.date:
    return timezone.localdate()


def _check_date(case: Case, on: dt.date, *, earliest: dt.date | None = None) -> None:
    if on > _today():
        raise ProcedureError(_("Ngày có hiệu lực không được sau ngày hôm nay."))
    earliest = earliest or case.received_on
    if on < earliest:
        raise ProcedureError(
            _("Ngày có hiệu lực không được trước ngày %(day)s.") % {"day": f"{earliest:%d/%m/%Y}"}
        )


def _lock(case: Case, *, allowed: set[str]) -> None:
    """Lock the row and make sure nobody moved the case on since the caller loaded it."""
    current = Case.objects.select_for_update().only("status").get(pk=case.pk)
    if current.status != case.status:
        raise ProcedureError(
            _("Vụ việc %(number)s vừa được người khác cập nhật; hãy tải lại trang.")
            % {"number": case.number}
        )
    if case.status not in allowed:
        raise ProcedureError(
            _("Không thể thực hiện bước này khi vụ việc đang ở trạng thái “%(status)s”.")
            % {"status": case.get_status_display()}
        )


def _save(case: Case, by, fields: list[str]) -> None:
    case._history_user = by
    case.save(update_fields=[*fields, "updated_at"])


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
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        effective_on=on,
        actor=by,
        note=note,
        document_number=document_number,
        due_on=due_on,
        data=data or {},
    )


def deadlines_refresh(
    case: Case,
    *,
    rules: deadlines.RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[str]:
    """Recompute the stored due dates; returns the fields that changed (not yet saved)."""
    computed = deadlines.compute(
        case, rules=rules or deadlines.RuleBook(), calendar=calendar or WorkingCalendar()
    )
    changed = []
    for name in ("handling_due", "resolution_due", "next_step", "next_due"):
        value = getattr(computed, name)
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def case_deadlines_recompute(
    *, case: Case, rules: deadlines.RuleBook | None = None, calendar=None
) -> bool:
    """Bring stored due dates up to date after a rule or calendar change. True if they moved."""
    changed = deadlines_refresh(case, rules=rules, calendar=calendar)
    if changed:
        case.save(update_fields=changed)
    return bool(changed)


# Cases whose stored due dates still matter: the open ones, and petitions filed away as
# ineligible, which wait for the head's decision to destroy them after the retention period.
DEADLINE_TRACKED = Q(status__in=Case.OPEN_STATUSES) | Q(status=Status.FILED, is_eligible=False)
DEADLINE_FIELDS = ["handling_due", "resolution_due", "next_step", "next_due"]


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
    sequence = counter.last
    while True:
        sequence += 1
        number = f"{year}-{sequence:04d}"
        if not Case.objects.filter(number=number).exists():
            break
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
    if received_on > _today():
        raise ProcedureError(_("Ngày nhận đơn không được sau ngày hôm nay."))
    if follow_up_of is not None and kind != Case.Kind.DENUNCIATION:
        raise ProcedureError(_("Chỉ đơn tố cáo mới có thể là tố cáo tiếp."))
    if number:
        sequence = None
        if Case.objects.filter(number=number).exists():
            raise ProcedureError(_("Số đơn %(number)s đã tồn tại.") % {"number": number})
    else:
        number, sequence = case_number_next(received_on.year)
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
    deadlines_refresh(case, rules=rules, calendar=calendar)
    case._history_user = by
    case.save()
    event_record(
        case=case,
        kind=Kind.RECEIVED,
        on=received_on,
        by=by,
        note=note,
        due_on=case.handling_due,
        data={**(event_data or {}), "channel": channel},
    )
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
    on = on or _today()
    _lock(case, allowed={Status.RECEIVED, Status.URGED})
    _check_date(case, on)
    unknown = set(conditions) - set(ELIGIBILITY_CONDITIONS)
    if unknown:
        raise ProcedureError(_("Điều kiện không hợp lệ: %(codes)s") % {"codes": ", ".join(unknown)})
    checked = {code: bool(conditions.get(code)) for code in ELIGIBILITY_CONDITIONS}
    case.eligibility = checked
    case.is_eligible = all(checked.values())
    _save(case, by, ["eligibility", "is_eligible"])
    event_record(
        case=case,
        kind=Kind.ELIGIBILITY_CHECKED,
        on=on,
        by=by,
        note=note,
        data={"conditions": checked, "eligible": case.is_eligible},
    )
    return case


@transaction.atomic
def case_propose_handling(
    *, case: Case, by, decision: str, on: dt.date | None = None, note: str = ""
) -> Case:
    """The intake officer's proposal; the head then decides (case_decide)."""
    on = on or _today()
    _lock(case, allowed={Status.RECEIVED, Status.URGED})
    _check_date(case, on)
    _check_decision_allowed(case, decision)
    case.proposed_decision = decision
    fields = ["proposed_decision", *deadlines_refresh(case)]
    _save(case, by, fields)
    event_record(
        case=case,
        kind=Kind.HANDLING_PROPOSED,
        on=on,
        by=by,
        note=note,
        data={"decision": decision},
    )
    return case


def _check_decision_allowed(case: Case, decision: str) -> None:
    if decision not in Decision.values:
        raise ProcedureError(_("Hướng xử lý không hợp lệ."))
    if decision == Decision.ACCEPTED and case.anonymous:
        raise ProcedureError(
            _(
                "Đơn nặc danh không được thụ lý giải quyết theo Luật; hãy lưu đơn (nội dung có "
                "thể dùng cho công tác thanh tra, kiểm tra)."
            )
        )
    if decision == Decision.ACCEPTED and case.is_eligible is False:
        raise ProcedureError(_("Đơn không đủ điều kiện xử lý thì không thụ lý."))
    if (
        decision == Decision.FORWARDED
        and case.kind == Case.Kind.DENUNCIATION
        and (
            case.channel == Case.Channel.FORWARDED
            or case.events.filter(kind=Kind.FORWARDED).exists()
        )
    ):
        raise ProcedureError(
            _(
                "Đơn tố cáo đã được chuyển một lần thì không chuyển tiếp (Thông tư 05/2021); "
                "hãy hướng dẫn hoặc lưu đơn."
            )
        )


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
    on = on or _today()
    _lock(case, allowed={Status.RECEIVED, Status.URGED})
    _check_date(case, on)
    _check_decision_allowed(case, decision)
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
    fields += deadlines_refresh(case, rules=rules, calendar=calendar)
    if decision == Decision.ACCEPTED:
        due_on = case.resolution_due
    _save(case, by, fields)
    event_record(
        case=case,
        kind=event_kind,
        on=on,
        by=by,
        note=note,
        document_number=document_number,
        due_on=due_on,
        data=data,
    )
    return case


@transaction.atomic
def case_notify_reporter(
    *, case: Case, by, on: dt.date | None = None, document_number: str = "", note: str = ""
) -> Case:
    """The notice of acceptance sent to the reporter (Law on Denunciations, Art. 29)."""
    on = on or _today()
    _lock(case, allowed={Status.ACCEPTED, Status.VERIFYING})
    _check_date(case, on, earliest=case.accepted_on)
    if case.reporter_notified_on:
        raise ProcedureError(_("Đã thông báo thụ lý cho người gửi đơn."))
    case.reporter_notified_on = on
    fields = ["reporter_notified_on", *deadlines_refresh(case)]
    _save(case, by, fields)
    event_record(
        case=case,
        kind=Kind.REPORTER_NOTIFIED,
        on=on,
        by=by,
        note=note,
        document_number=document_number,
    )
    return case


@transaction.atomic
def case_assign(
    *, case: Case, user, by, on: dt.date | None = None, is_lead: bool = False, note: str = ""
) -> Assignment:
    """Assign a verifier; the first assignment starts the verification."""
    on = on or _today()
    _lock(case, allowed={Status.ACCEPTED, Status.VERIFYING})
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
    if case.status == Status.ACCEPTED:
        case.status = Status.VERIFYING
        _save(case, by, ["status"])
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
def evidence_download_record(*, case: Case, evidence: Evidence, by) -> None:
    """Put on the timeline that `by` downloaded a file that could identify the reporter."""
    event_record(
        case=case,
        kind=Kind.IDENTIFYING_EVIDENCE_DOWNLOADED,
        on=_today(),
        by=by,
        # Not the file's name: it may itself name the reporter.
        data={"evidence_id": evidence.pk},
    )


@transaction.atomic
def case_report_verification(*, case: Case, by, text: str, on: dt.date | None = None) -> CaseNote:
    """The verifier's report of the verification results, which the conclusion rests on."""
    on = on or _today()
    _lock(case, allowed={Status.ACCEPTED, Status.VERIFYING})
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
    """Extend the resolution time limit of a complex (or especially complex) case.

    Denunciation: complex allows one extension of at most 30 days, especially complex two.
    Complaint: a complex case gets the longer limit of the law instead (45 instead of 30, ...).
    """
    on = on or _today()
    _lock(case, allowed={Status.ACCEPTED, Status.VERIFYING})
    _check_date(case, on, earliest=case.accepted_on)
    if not reason.strip():
        raise ProcedureError(_("Hãy ghi lý do gia hạn."))
    if case.kind not in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT):
        raise ProcedureError(_("Chỉ gia hạn giải quyết khiếu nại, tố cáo."))
    if level not in (Case.Extension.COMPLEX, Case.Extension.ESPECIALLY_COMPLEX):
        raise ProcedureError(_("Mức gia hạn không hợp lệ."))
    if case.resolution_due and on > case.resolution_due:
        raise ProcedureError(_("Đã quá hạn giải quyết: chỉ gia hạn trước khi hết hạn."))
    rules = rules or deadlines.RuleBook()
    calendar = calendar or WorkingCalendar()
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
        rule = deadlines.extension_rule(case, level, rules, case.accepted_on)
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
    fields = [
        "extension",
        "extension_days",
        "extension_steps",
        *deadlines_refresh(case, rules=rules, calendar=calendar),
    ]
    _save(case, by, fields)
    data["resolution_due"] = case.resolution_due.isoformat() if case.resolution_due else None
    data["previous_due"] = previous_due.isoformat() if previous_due else None
    event_record(
        case=case,
        kind=Kind.EXTENDED,
        on=on,
        by=by,
        note=reason.strip(),
        document_number=document_number,
        due_on=case.resolution_due,
        data=data,
    )
    return case


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
    on = on or _today()
    _lock(case, allowed={Status.ACCEPTED, Status.VERIFYING})
    _check_date(case, on, earliest=case.accepted_on)
    needs_finding = case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT)
    if needs_finding and finding not in Case.Finding.values:
        raise ProcedureError(_("Hãy chọn kết luận: đúng, đúng một phần hoặc sai."))
    if not needs_finding and finding:
        raise ProcedureError(_("Kiến nghị, phản ánh không có kết luận đúng, sai."))
    case.status = Status.CONCLUDED
    case.finding = finding
    case.concluded_on = on
    case.resolved_on = on
    fields = [
        "status",
        "finding",
        "concluded_on",
        "resolved_on",
        *deadlines_refresh(case, rules=rules, calendar=calendar),
    ]
    _save(case, by, fields)
    event_record(
        case=case,
        kind=Kind.CONCLUDED,
        on=on,
        by=by,
        note=note,
        document_number=document_number,
        data={"finding": finding},
    )
    return case


@transaction.atomic
def case_act_on_conclusion(
    *, case: Case, by, note: str, on: dt.date | None = None, document_number: str = ""
) -> Case:
    on = on or _today()
    _lock(case, allowed={Status.CONCLUDED, Status.ACTED_ON})
    _check_date(case, on, earliest=case.concluded_on)
    if not note.strip():
        raise ProcedureError(_("Hãy ghi việc đã làm để thực hiện kết luận."))
    fields = []
    if case.status == Status.CONCLUDED:
        case.status = Status.ACTED_ON
        fields = ["status", *deadlines_refresh(case)]
        _save(case, by, fields)
    event_record(
        case=case,
        kind=Kind.CONCLUSION_ACTED_ON,
        on=on,
        by=by,
        note=note.strip(),
        document_number=document_number,
    )
    return case


@transaction.atomic
def case_close(*, case: Case, by, on: dt.date | None = None, note: str = "") -> Case:
    on = on or _today()
    _lock(case, allowed={Status.ACTED_ON})
    _check_date(case, on, earliest=case.concluded_on)
    case.status = Status.CLOSED
    fields = ["status", *deadlines_refresh(case)]
    _save(case, by, fields)
    event_record(case=case, kind=Kind.CLOSED, on=on, by=by, note=note)
    return case


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
    on = on or _today()
    _lock(case, allowed={Status.RECEIVED, Status.URGED, Status.ACCEPTED, Status.VERIFYING})
    _check_date(case, on)
    if partial or signs_of_violation:
        kind = Kind.PARTIALLY_WITHDRAWN if partial else Kind.WITHDRAWAL_NOT_ENDING
        event_record(
            case=case,
            kind=kind,
            on=on,
            by=by,
            note=note,
            document_number=document_number,
            data={"partial": partial, "signs_of_violation": signs_of_violation},
        )
        return case
    case.status = Status.WITHDRAWN
    case.withdrawn_on = on
    case.resolved_on = on
    fields = [
        "status",
        "withdrawn_on",
        "resolved_on",
        *deadlines_refresh(case, rules=rules, calendar=calendar),
    ]
    _save(case, by, fields)
    event_record(
        case=case,
        kind=Kind.WITHDRAWN,
        on=on,
        by=by,
        note=note,
        document_number=document_number,
    )
    return case


@transaction.atomic
def case_suspend(
    *, case: Case, by, reason: str, on: dt.date | None = None, document_number: str = ""
) -> Case:
    """Đình chỉ: ends the resolution before a conclusion (e.g. the accused has died)."""
    on = on or _today()
    _lock(case, allowed={Status.ACCEPTED, Status.VERIFYING})
    _check_date(case, on, earliest=case.accepted_on)
    if not reason.strip():
        raise ProcedureError(_("Hãy ghi lý do đình chỉ."))
    case.status = Status.SUSPENDED
    case.resolved_on = on
    fields = ["status", "resolved_on", *deadlines_refresh(case)]
    _save(case, by, fields)
    event_record(
        case=case,
        kind=Kind.SUSPENDED,
        on=on,
        by=by,
        note=reason.strip(),
        document_number=document_number,
    )
    return case


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
    if of.duplicate_of_id == case.pk:
        raise ProcedureError(
            _("Đơn %(number)s đã được xác định là trùng với đơn này.") % {"number": of.number}
        )
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
