"""Writes on reporter identities, the identity access log and reporter protection.

Every function checks, again, that its caller may do what it asks (views check first to show
the right page; these checks are the ones that hold), writes in one transaction, and records
the step on the case's timeline through `cases.services.event_record`. No identity value ever
goes into a timeline note, an event's data, a log line or an exception message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.access import can_view
from cases.models import CaseEvent
from protection.access import (
    can_correct_identity,
    can_decide_access,
    can_decide_protection,
    can_record_protection,
    identity_access,
)
from protection.identity import identity_problems
from protection.models import (
    IDENTITY_FIELDS,
    IdentityAccessRequest,
    IdentityReveal,
    ProtectedPerson,
    ProtectionMeasure,
    ProtectionRequest,
    Reporter,
    RetaliationReport,
    identity_field_labels,
)


class ProtectionError(ValidationError):
    """A step that the rules of identity protection do not allow."""


@dataclass(frozen=True)
class ReporterData:
    """What an intake officer types about one signer of a petition.

    The identity fields are left out of repr(), so a traceback or a debug print that shows
    this object does not show who the reporter is.
    """

    full_name: str = field(repr=False)
    id_number: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    address: str = field(default="", repr=False)
    email: str = field(default="", repr=False)
    is_representative: bool = False


@dataclass(frozen=True)
class PersonData:
    """A person to protect (Decree 31/2019: the reporter, spouse, parent, child)."""

    relation: str
    reporter: Reporter | None = None
    full_name: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    address: str = field(default="", repr=False)


@dataclass(frozen=True)
class MeasureData:
    kind: str
    carried_out_by: str
    started_on: dt.date
    ended_on: dt.date | None = None
    note: str = ""


# What identity_problems checks of a correction: all but the address.
IDENTITY_CHECKED = ("full_name", "id_number", "phone", "email")


def _today() -> dt.date:
    return timezone.localdate()


def _event(*, case, kind: str, by, on: dt.date | None = None, note: str = "", **extra):
    return case_services.event_record(
        case=case, kind=kind, on=on or _today(), by=by, note=note, **extra
    )


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@transaction.atomic
def reporters_add(*, case, reporters: list[ReporterData], by=None) -> list[Reporter]:
    """Attach the signers of a petition to a case, encrypted, with one representative."""
    if not reporters:
        return []
    start = (case.reporters.order_by("-position").values_list("position", flat=True).first()) or 0
    created = reporters_build(
        case=case,
        reporters=reporters,
        start=start,
        has_representative=case.reporters.filter(is_representative=True).exists(),
    )
    for reporter in created:
        reporter._history_user = by
        reporter.save()  # the blind indexes are derived in BlindIndexField.pre_save
    return created


def reporters_build(
    *, case, reporters: list[ReporterData], start: int = 0, has_representative: bool = False
) -> list[Reporter]:
    """The unsaved Reporter rows of a petition's signers, numbered after `start` (the case's
    last position). The import writes these in bulk; reporters_add saves them one by one."""
    has_representative = has_representative or any(data.is_representative for data in reporters)
    return [
        Reporter(
            case=case,
            position=start + offset,
            # With several signers and nobody marked, the first one represents them.
            is_representative=data.is_representative or (not has_representative and offset == 1),
            full_name=data.full_name.strip(),
            id_number=data.id_number.strip(),
            phone=data.phone.strip(),
            address=data.address.strip(),
            email=data.email.strip(),
        )
        for offset, data in enumerate(reporters, start=1)
    ]


def reporters_insert(
    *, reporters: list[Reporter], by=None, history_date: Callable[[], dt.datetime] = timezone.now
) -> list[Reporter]:
    """Write reporters made by reporters_build (their cases already saved) in two inserts, with
    the history row each save in reporters_add would give. Encryption and blind indexes happen
    on insert, as on save. `history_date` gives each history row its date."""
    created = Reporter.objects.bulk_create(reporters)
    history = Reporter.history.model
    names = [tracked.attname for tracked in history.tracked_fields]
    history.objects.bulk_create(
        history(
            **{name: getattr(reporter, name) for name in names},
            history_date=history_date(),
            history_type="+",
            history_user=by,
            history_change_reason=None,
        )
        for reporter in created
    )
    return created


# --- Seeing and correcting identity -------------------------------------------------------


class RevealTokenUsed(ProtectionError):
    """The form that asked for a reveal was already submitted once (a reload, a back button)."""


def _clean_fields(fields) -> list[str]:
    chosen = [name for name in IDENTITY_FIELDS if name in set(fields)]
    if not chosen:
        raise ProtectionError(_("Hãy chọn ít nhất một thông tin cần xem."))
    return chosen


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ProtectionError(_("Hãy ghi rõ lý do (ít nhất 10 ký tự)."))
    return reason


@transaction.atomic
def identity_reveal(
    *,
    case,
    by,
    fields: list[str],
    reason: str,
    ip_address: str | None = None,
    user_agent: str = "",
    nonce: str | None = None,
    reporter: Reporter | None = None,
) -> IdentityReveal:
    """Log that `by` is about to see the chosen identity fields of `case` (all its reporters
    and protected persons, or one reporter being corrected). The caller shows them only after
    this returns, in that one response."""
    _require(can_view(by, case))
    access = identity_access(by, case)
    _require(access is not None)
    if reporter is not None and reporter.case_id != case.pk:
        raise PermissionDenied
    reason = _clean_reason(reason)
    chosen = _clean_fields(fields)
    if nonce and IdentityReveal.objects.filter(nonce=nonce).exists():
        raise RevealTokenUsed(
            _("Trang xem danh tính này đã được dùng. Muốn xem lại, hãy mở lại và ghi lý do.")
        )
    reveal = IdentityReveal.objects.create(
        case=case,
        user=by,
        action=IdentityReveal.Action.VIEW,
        fields=chosen,
        reporter=reporter,
        reason=reason,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:300],
        basis=access.basis,
        access_request=access.access_request,
        nonce=nonce or None,
    )
    _event(
        case=case,
        kind=CaseEvent.Kind.IDENTITY_REVEALED,
        by=by,
        note=_("Thông tin đã xem: %(fields)s.")
        % {"fields": ", ".join(identity_field_labels(chosen))},
        data={
            "reveal_id": reveal.pk,
            "fields": chosen,
            "basis": access.basis,
            **({"reporter": reporter.pseudonym} if reporter is not None else {}),
        },
    )
    return reveal


@transaction.atomic
def identity_evidence_open(
    *,
    case,
    by,
    evidence_id: int,
    reason: str,
    ip_address: str | None = None,
    user_agent: str = "",
) -> IdentityReveal:
    """Log that `by` opens a file marked as able to identify the reporter (a handwritten
    petition, a signed statement): it is a reveal like any other, with its reason. The caller
    serves the file only after this returns."""
    _require(can_view(by, case))
    access = identity_access(by, case)
    _require(access is not None)
    reveal = IdentityReveal.objects.create(
        case=case,
        user=by,
        action=IdentityReveal.Action.EVIDENCE,
        fields=["evidence"],
        reason=_clean_reason(reason),
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:300],
        basis=access.basis,
        access_request=access.access_request,
    )
    _event(
        case=case,
        kind=CaseEvent.Kind.IDENTITY_REVEALED,
        by=by,
        # Not the file's name or description: either may name the reporter.
        note=_("Mở tài liệu mật (tài liệu số %(number)s).") % {"number": evidence_id},
        data={"reveal_id": reveal.pk, "evidence_id": evidence_id, "basis": access.basis},
    )
    return reveal


@transaction.atomic
def reporter_correct(
    *,
    reporter: Reporter,
    by,
    data: ReporterData,
    reason: str,
    ip_address: str | None = None,
    user_agent: str = "",
    nonce: str | None = None,
) -> list[str]:
    """Fix a reporter's identity (a typo at intake). Returns the names of the fields that
    changed. The history keeps encrypted copies, and every screen shows only which fields
    changed; the access log records the correction with field names, never values."""
    case = reporter.case
    _require(can_view(by, case))
    access = identity_access(by, case)
    _require(can_correct_identity(access))
    reason = _clean_reason(reason)
    if nonce and IdentityReveal.objects.filter(nonce=nonce).exists():
        raise RevealTokenUsed(_("Biểu mẫu đính chính này đã được gửi. Hãy mở lại để sửa tiếp."))
    reporter = Reporter.objects.select_for_update().get(pk=reporter.pk)
    new_values = {
        "full_name": data.full_name.strip(),
        "id_number": data.id_number.strip(),
        "phone": data.phone.strip(),
        "address": data.address.strip(),
        "email": data.email.strip(),
    }
    problems = identity_problems(**{name: new_values[name] for name in IDENTITY_CHECKED})
    if problems:
        raise ProtectionError(list(problems.values()))
    changed = [name for name, value in new_values.items() if getattr(reporter, name) != value]
    if not changed:
        raise ProtectionError(_("Thông tin không có gì thay đổi."))
    for name in changed:
        setattr(reporter, name, new_values[name])
    reporter._history_user = by
    reporter._change_reason = reason
    reporter.save(update_fields=changed)
    IdentityReveal.objects.create(
        case=case,
        user=by,
        action=IdentityReveal.Action.CORRECT,
        fields=changed,
        reporter=reporter,
        reason=reason,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:300],
        basis=access.basis,
        nonce=nonce or None,
    )
    _event(
        case=case,
        kind=CaseEvent.Kind.IDENTITY_CORRECTED,
        by=by,
        note=_("Đính chính %(fields)s của %(who)s.")
        % {"fields": ", ".join(identity_field_labels(changed)), "who": reporter.pseudonym},
        data={"action": "correct", "fields": changed, "reporter": reporter.pseudonym},
    )
    return changed


# --- Identity access requests -------------------------------------------------------------


@transaction.atomic
def identity_access_request(*, case, by, reason: str) -> IdentityAccessRequest:
    """A verifier (or anyone without a basis) asks the head to see the reporter's identity."""
    _require(can_view(by, case))
    _require(by.has_perm("protection.request_identity_access"))
    if identity_access(by, case) is not None:
        raise ProtectionError(_("Bạn đã được xem danh tính người gửi đơn của vụ việc này."))
    reason = _clean_reason(reason)
    if IdentityAccessRequest.objects.filter(
        case=case, requested_by=by, status=IdentityAccessRequest.Status.PENDING
    ).exists():
        raise ProtectionError(_("Bạn đã có một đề nghị đang chờ lãnh đạo quyết định."))
    request = IdentityAccessRequest.objects.create(case=case, requested_by=by, reason=reason)
    _event(
        case=case,
        kind=CaseEvent.Kind.IDENTITY_ACCESS_REQUESTED,
        by=by,
        note=reason,
        data={"request_id": request.pk},
    )
    return request


@transaction.atomic
def identity_access_decide(
    *,
    access_request: IdentityAccessRequest,
    by,
    grant: bool,
    reason: str,
    days: int | None = None,
    now: dt.datetime | None = None,
) -> IdentityAccessRequest:
    """The head grants (for a limited time) or refuses a request, with a reason."""
    request = IdentityAccessRequest.objects.select_for_update().get(pk=access_request.pk)
    _require(can_decide_access(by) and can_view(by, request.case))
    if request.requested_by_id == by.pk:
        raise ProtectionError(_("Không tự quyết định đề nghị của chính mình."))
    if request.status != IdentityAccessRequest.Status.PENDING:
        raise ProtectionError(_("Đề nghị này đã được quyết định."))
    reason = (reason or "").strip()
    if not reason:
        raise ProtectionError(_("Hãy ghi lý do quyết định."))
    now = now or timezone.now()
    request.decided_by = by
    request.decided_at = now
    request.decision_reason = reason
    if grant:
        days = settings.IDENTITY_ACCESS_DAYS if days is None else days
        if not 1 <= days <= 90:
            raise ProtectionError(_("Thời hạn được xem từ 1 đến 90 ngày."))
        request.status = IdentityAccessRequest.Status.GRANTED
        request.valid_until = now + dt.timedelta(days=days)
    else:
        request.status = IdentityAccessRequest.Status.REFUSED
    request.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "valid_until"]
    )
    _event(
        case=request.case,
        kind=CaseEvent.Kind.IDENTITY_ACCESS_DECIDED,
        by=by,
        note=reason,
        data={
            "request_id": request.pk,
            "granted": grant,
            "requested_by": str(request.requested_by),
            "valid_until": request.valid_until.isoformat() if request.valid_until else None,
        },
    )
    return request


# --- Protection (Chapter VI, Law on Denunciations 2018; Decree 31/2019) -------------------


def _check_day(day: dt.date | None, label: str, *, earliest: dt.date | None = None) -> None:
    if day is None:
        return
    if day > _today():
        raise ProtectionError(_("%(label)s không được sau ngày hôm nay.") % {"label": label})
    if earliest is not None and day < earliest:
        raise ProtectionError(
            _("%(label)s không được trước ngày %(day)s.")
            % {"label": label, "day": f"{earliest:%d/%m/%Y}"}
        )


def _clean_person(case, person: PersonData) -> PersonData:
    if person.relation not in ProtectedPerson.Relation.values:
        raise ProtectionError(_("Quan hệ với người tố cáo không hợp lệ."))
    if person.reporter is not None and person.reporter.case_id != case.pk:
        raise PermissionDenied
    if person.relation == ProtectedPerson.Relation.REPORTER:
        if person.reporter is None:
            raise ProtectionError(_("Hãy chọn người tố cáo cần được bảo vệ."))
    elif not person.full_name.strip():
        raise ProtectionError(
            _("Hãy ghi họ và tên người thân (vợ hoặc chồng, cha, mẹ, con) cần được bảo vệ.")
        )
    return person


def _check_denunciation(case) -> None:
    if case.kind != "denunciation":
        raise ProtectionError(
            _("Biện pháp bảo vệ (Chương VI Luật Tố cáo) chỉ áp dụng cho người tố cáo.")
        )
    if case.anonymous:
        raise ProtectionError(_("Đơn nặc danh không có người tố cáo để bảo vệ."))


@transaction.atomic
def protection_request_record(
    *,
    case,
    by,
    received_on: dt.date,
    channel: str,
    reason: str,
    requested_measures: list[str],
    persons: list[PersonData],
    written_followup_on: dt.date | None = None,
) -> ProtectionRequest:
    """Đề nghị áp dụng biện pháp bảo vệ: in writing, in person, or in an emergency by phone
    (which must be followed by a written request)."""
    _require(can_record_protection(by) and can_view(by, case))
    _check_denunciation(case)
    if channel not in ProtectionRequest.Channel.values:
        raise ProtectionError(_("Hình thức đề nghị không hợp lệ."))
    _check_day(received_on, _("Ngày nhận đề nghị"), earliest=case.received_on)
    _check_day(written_followup_on, _("Ngày nhận văn bản bổ sung"), earliest=received_on)
    if written_followup_on and channel != ProtectionRequest.Channel.PHONE_EMERGENCY:
        raise ProtectionError(_("Chỉ đề nghị khẩn cấp qua điện thoại mới cần văn bản bổ sung."))
    if not reason.strip():
        raise ProtectionError(_("Hãy ghi lý do đề nghị bảo vệ."))
    unknown = set(requested_measures) - set(ProtectionMeasure.Kind.values)
    if unknown or not requested_measures:
        raise ProtectionError(_("Hãy chọn biện pháp bảo vệ được đề nghị."))
    if not persons:
        raise ProtectionError(_("Hãy ghi ít nhất một người cần được bảo vệ."))
    persons = [_clean_person(case, person) for person in persons]
    request = ProtectionRequest(
        case=case,
        received_on=received_on,
        channel=channel,
        written_followup_on=written_followup_on,
        reason=reason.strip(),
        requested_measures=[k for k in ProtectionMeasure.Kind.values if k in requested_measures],
        recorded_by=by,
    )
    request._history_user = by
    request.save()
    for person in persons:
        protected = ProtectedPerson(
            request=request,
            relation=person.relation,
            reporter=person.reporter,
            full_name=person.full_name.strip(),
            id_number=person.id_number.strip(),
            phone=person.phone.strip(),
            address=person.address.strip(),
        )
        protected._history_user = by
        protected.save()
    _event(
        case=case,
        kind=CaseEvent.Kind.PROTECTION_REQUESTED,
        by=by,
        on=received_on,
        note=_("%(channel)s; đề nghị: %(measures)s.")
        % {
            "channel": request.get_channel_display(),
            "measures": ", ".join(request.requested_measure_labels).lower(),
        },
        data={
            "protection_request_id": request.pk,
            "channel": channel,
            "measures": request.requested_measures,
            "relations": [person.relation for person in persons],
        },
    )
    return request


@transaction.atomic
def protection_written_followup(
    *, request: ProtectionRequest, by, on: dt.date
) -> ProtectionRequest:
    """The written request that must follow an emergency request made by phone."""
    _require(can_record_protection(by) and can_view(by, request.case))
    if request.channel != ProtectionRequest.Channel.PHONE_EMERGENCY:
        raise ProtectionError(_("Chỉ đề nghị khẩn cấp qua điện thoại mới cần văn bản bổ sung."))
    if request.written_followup_on:
        raise ProtectionError(_("Đã nhận văn bản bổ sung."))
    _check_day(on, _("Ngày nhận văn bản bổ sung"), earliest=request.received_on)
    request.written_followup_on = on
    request._history_user = by
    request.save(update_fields=["written_followup_on"])
    _event(
        case=request.case,
        kind=CaseEvent.Kind.PROTECTION_REQUESTED,
        by=by,
        on=on,
        note=_("Nhận văn bản bổ sung đề nghị bảo vệ khẩn cấp."),
        data={"protection_request_id": request.pk, "written_followup": True},
    )
    return request


def _measure_create(request, by, measure: MeasureData) -> ProtectionMeasure:
    if measure.kind not in ProtectionMeasure.Kind.values:
        raise ProtectionError(_("Biện pháp bảo vệ không hợp lệ."))
    if not measure.carried_out_by.strip():
        raise ProtectionError(_("Hãy ghi cơ quan, người thực hiện biện pháp bảo vệ."))
    if measure.ended_on and measure.ended_on < measure.started_on:
        raise ProtectionError(_("Ngày kết thúc không được trước ngày bắt đầu."))
    created = ProtectionMeasure(
        request=request,
        kind=measure.kind,
        carried_out_by=measure.carried_out_by.strip(),
        started_on=measure.started_on,
        ended_on=measure.ended_on,
        note=measure.note.strip(),
    )
    created._history_user = by
    created.save()
    _event(
        case=request.case,
        kind=CaseEvent.Kind.PROTECTION_MEASURE,
        by=by,
        on=min(measure.started_on, _today()),
        # Who carries a measure out (an employer, a police station) points at the reporter:
        # it stays on the protection request, which verifiers cannot open.
        note=_("Áp dụng: %(kind)s.") % {"kind": created.get_kind_display().lower()},
        data={
            "protection_request_id": request.pk,
            "measure_id": created.pk,
            "measure": measure.kind,
            "action": "started",
            "ends_on": measure.ended_on.isoformat() if measure.ended_on else None,
        },
    )
    return created


@transaction.atomic
def protection_decide(
    *,
    request: ProtectionRequest,
    by,
    grant: bool,
    decided_on: dt.date,
    reason: str = "",
    document_number: str = "",
    measures: list[MeasureData] | None = None,
) -> ProtectionRequest:
    """The head's decision: protection granted with its measures, or refused with reasons."""
    request = ProtectionRequest.objects.select_for_update().get(pk=request.pk)
    _require(can_decide_protection(by) and can_view(by, request.case))
    if request.status != ProtectionRequest.Status.PENDING:
        raise ProtectionError(_("Đề nghị bảo vệ này đã được quyết định."))
    _check_day(decided_on, _("Ngày quyết định"), earliest=request.received_on)
    measures = measures or []
    for measure in measures:
        if measure.started_on < decided_on:
            raise ProtectionError(_("Biện pháp bảo vệ bắt đầu từ ngày quyết định trở đi."))
    if grant and not measures:
        raise ProtectionError(_("Quyết định áp dụng bảo vệ phải có ít nhất một biện pháp."))
    if not grant and not reason.strip():
        raise ProtectionError(_("Hãy ghi lý do không áp dụng biện pháp bảo vệ."))
    if not grant and measures:
        raise ProtectionError(_("Quyết định không áp dụng thì không có biện pháp bảo vệ."))
    request.status = ProtectionRequest.Status.GRANTED if grant else ProtectionRequest.Status.REFUSED
    request.decided_on = decided_on
    request.decided_by = by
    request.decision_reason = reason.strip()
    request.decision_document = document_number.strip()
    request._history_user = by
    request.save(
        update_fields=[
            "status",
            "decided_on",
            "decided_by",
            "decision_reason",
            "decision_document",
        ]
    )
    _event(
        case=request.case,
        kind=CaseEvent.Kind.PROTECTION_DECIDED,
        by=by,
        on=decided_on,
        note=str(request.get_status_display()) + ".",
        document_number=request.decision_document,
        data={
            "protection_request_id": request.pk,
            "granted": grant,
            "measures": [measure.kind for measure in measures],
        },
    )
    for measure in measures:
        _measure_create(request, by, measure)
    return request


@transaction.atomic
def protection_measure_add(
    *, request: ProtectionRequest, by, measure: MeasureData
) -> ProtectionMeasure:
    """A further measure on protection already granted (the head may add one later)."""
    request = ProtectionRequest.objects.select_for_update().get(pk=request.pk)
    _require(can_decide_protection(by) and can_view(by, request.case))
    if request.status != ProtectionRequest.Status.GRANTED:
        raise ProtectionError(_("Chỉ thêm biện pháp khi đang áp dụng bảo vệ."))
    if request.decided_on and measure.started_on < request.decided_on:
        raise ProtectionError(_("Biện pháp bảo vệ bắt đầu từ ngày quyết định trở đi."))
    return _measure_create(request, by, measure)


@transaction.atomic
def protection_measure_end(
    *, measure: ProtectionMeasure, by, ended_on: dt.date, note: str = ""
) -> ProtectionMeasure:
    measure = ProtectionMeasure.objects.select_for_update().get(pk=measure.pk)
    request = measure.request
    _require(can_decide_protection(by) and can_view(by, request.case))
    if measure.status != ProtectionMeasure.Status.IN_FORCE:
        raise ProtectionError(_("Biện pháp này đã kết thúc."))
    _check_day(ended_on, _("Ngày kết thúc"), earliest=measure.started_on)
    measure.status = ProtectionMeasure.Status.ENDED
    measure.ended_on = ended_on
    fields = ["status", "ended_on"]
    if note.strip():
        measure.note = "\n".join(filter(None, [measure.note, note.strip()]))
        fields.append("note")
    measure._history_user = by
    measure.save(update_fields=fields)
    _event(
        case=request.case,
        kind=CaseEvent.Kind.PROTECTION_MEASURE,
        by=by,
        on=ended_on,
        note=_("Kết thúc: %(kind)s.") % {"kind": measure.get_kind_display().lower()},
        data={
            "protection_request_id": request.pk,
            "measure_id": measure.pk,
            "measure": measure.kind,
            "action": "ended",
        },
    )
    return measure


@transaction.atomic
def protection_end(
    *, request: ProtectionRequest, by, ended_on: dt.date, reason: str
) -> ProtectionRequest:
    """Chấm dứt việc áp dụng biện pháp bảo vệ: every measure still in force ends with it."""
    request = ProtectionRequest.objects.select_for_update().get(pk=request.pk)
    _require(can_decide_protection(by) and can_view(by, request.case))
    if request.status != ProtectionRequest.Status.GRANTED:
        raise ProtectionError(_("Chỉ chấm dứt bảo vệ đang được áp dụng."))
    _check_day(ended_on, _("Ngày chấm dứt"), earliest=request.decided_on)
    if not reason.strip():
        raise ProtectionError(_("Hãy ghi lý do chấm dứt bảo vệ."))
    for measure in request.measures.filter(status=ProtectionMeasure.Status.IN_FORCE):
        measure.status = ProtectionMeasure.Status.ENDED
        measure.ended_on = max(ended_on, measure.started_on)
        measure._history_user = by
        measure.save(update_fields=["status", "ended_on"])
    request.status = ProtectionRequest.Status.ENDED
    request.ended_on = ended_on
    request.end_reason = reason.strip()
    request._history_user = by
    request.save(update_fields=["status", "ended_on", "end_reason"])
    _event(
        case=request.case,
        kind=CaseEvent.Kind.PROTECTION_ENDED,
        by=by,
        on=ended_on,
        note=_("Chấm dứt áp dụng biện pháp bảo vệ."),
        data={"protection_request_id": request.pk},
    )
    return request


@transaction.atomic
def retaliation_report_record(
    *,
    case,
    by,
    reported_on: dt.date,
    description: str,
    protection_request: ProtectionRequest | None = None,
    action_taken: str = "",
) -> RetaliationReport:
    """Phản ánh bị trả thù, trù dập: recorded once, then tracked to its handling."""
    _require(can_record_protection(by) and can_view(by, case))
    _check_denunciation(case)
    if protection_request is not None and protection_request.case_id != case.pk:
        raise PermissionDenied
    _check_day(reported_on, _("Ngày phản ánh"), earliest=case.received_on)
    if not description.strip():
        raise ProtectionError(_("Hãy ghi sự việc bị trả thù, trù dập."))
    report = RetaliationReport(
        case=case,
        protection_request=protection_request,
        reported_on=reported_on,
        description=description.strip(),
        action_taken=action_taken.strip(),
        recorded_by=by,
    )
    report._history_user = by
    report.save()
    _event(
        case=case,
        kind=CaseEvent.Kind.RETALIATION_REPORTED,
        by=by,
        on=reported_on,
        data={
            "retaliation_report_id": report.pk,
            "protection_request_id": protection_request.pk if protection_request else None,
        },
    )
    return report


@transaction.atomic
def retaliation_report_update(
    *,
    report: RetaliationReport,
    by,
    action_taken: str,
    handled_on: dt.date | None = None,
) -> RetaliationReport:
    """What was done about a retaliation report; a handling date closes it. Its history keeps
    every version (no timeline event: the report was put on the timeline when received)."""
    report = RetaliationReport.objects.select_for_update().get(pk=report.pk)
    _require(can_record_protection(by) and can_view(by, report.case))
    if not action_taken.strip():
        raise ProtectionError(_("Hãy ghi biện pháp đã xử lý."))
    _check_day(handled_on, _("Ngày xử lý xong"), earliest=report.reported_on)
    report.action_taken = action_taken.strip()
    report.handled_on = handled_on
    report.status = (
        RetaliationReport.Status.HANDLED if handled_on else RetaliationReport.Status.OPEN
    )
    report._history_user = by
    report.save(update_fields=["action_taken", "handled_on", "status"])
    return report
