"""How petitions and citizen reception enter the system."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from django.contrib.sessions.backends.db import SessionStore as HoldingStore
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from cases import services as case_services
from cases.calendar import WorkingCalendar
from cases.deadlines import RuleBook
from cases.models import Case, Field
from core import crypto
from intake.models import ReceptionSession, ReceptionVisit
from protection import services as protection_services
from protection.services import ReporterData

# Law on Citizen Reception: five or more people on one matter are a large group.
LARGE_GROUP_SIZE = 5


@dataclass(frozen=True)
class ContentData:
    """One content of a petition; a petition with several becomes linked cases."""

    kind: str
    field: Field
    summary: str
    content: str = ""
    accused: str = ""
    corruption_related: bool = False


def petition_check(
    *,
    contents: list[ContentData],
    reporters: list[ReporterData],
    anonymous: bool,
    number: str | None,
) -> None:
    """What a petition must be to be registered (the import checks its rows with it too)."""
    if not contents:
        raise case_services.ProcedureError(_("Đơn phải có ít nhất một nội dung."))
    if anonymous and reporters:
        raise case_services.ProcedureError(_("Đơn nặc danh không ghi thông tin người gửi."))
    if not anonymous and not reporters:
        raise case_services.ProcedureError(
            _("Hãy nhập ít nhất một người gửi đơn, hoặc đánh dấu đơn nặc danh.")
        )
    if sum(1 for reporter in reporters if reporter.is_representative) > 1:
        raise case_services.ProcedureError(_("Chỉ chọn một người đại diện."))
    if number and len(contents) > 1:
        raise case_services.ProcedureError(_("Đơn nhiều nội dung được cấp số tự động."))


@transaction.atomic
def petition_register(
    *,
    by,
    channel: str,
    received_on: dt.date,
    contents: list[ContentData],
    reporters: list[ReporterData],
    anonymous: bool = False,
    multi_location: bool = False,
    remote_area: bool = False,
    complaint_round: int = 1,
    reception_visit: ReceptionVisit | None = None,
    follow_up_of: Case | None = None,
    number: str | None = None,
    note: str = "",
    event_data: dict | None = None,
    rules: RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[Case]:
    """Register a petition: one case per content, linked to the first, each carrying its own
    encrypted copy of the signers (so each case can be forwarded or destroyed on its own)."""
    petition_check(contents=contents, reporters=reporters, anonymous=anonymous, number=number)
    cases: list[Case] = []
    for content in contents:
        case = case_services.case_create(
            by=by,
            kind=content.kind,
            channel=channel,
            field=content.field,
            received_on=received_on,
            summary=content.summary,
            content=content.content,
            accused=content.accused,
            corruption_related=content.corruption_related,
            anonymous=anonymous,
            multi_location=multi_location,
            remote_area=remote_area,
            complaint_round=complaint_round,
            reception_visit=reception_visit,
            related_to=cases[0] if cases else None,
            follow_up_of=follow_up_of,
            number=number,
            note=note,
            event_data=event_data,
            rules=rules,
            calendar=calendar,
        )
        protection_services.reporters_add(case=case, reporters=reporters, by=by)
        cases.append(case)
    return cases


@transaction.atomic
def reception_session_create(
    *,
    by,
    held_on: dt.date,
    kind: str,
    mode: str = "",
    host=None,
    location: str = "",
    note: str = "",
) -> ReceptionSession:
    if kind == ReceptionSession.Kind.REGULAR and mode:
        raise case_services.ProcedureError(
            _("Buổi tiếp thường xuyên không chọn hình thức chủ trì của Thủ trưởng.")
        )
    if kind != ReceptionSession.Kind.REGULAR and not mode:
        raise case_services.ProcedureError(
            _("Hãy chọn Thủ trưởng trực tiếp tiếp hay ủy quyền cấp phó.")
        )
    return ReceptionSession.objects.create(
        held_on=held_on,
        kind=kind,
        mode=mode,
        host=host,
        location=location,
        note=note,
        created_by=by,
    )


@transaction.atomic
def reception_visit_add(
    *,
    session: ReceptionSession,
    subject: str,
    people_count: int = 1,
    is_repeat: bool = False,
    summary: str = "",
    outcome: str = "",
) -> ReceptionVisit:
    if people_count < 1:
        raise case_services.ProcedureError(_("Số người phải từ 1 trở lên."))
    return ReceptionVisit.objects.create(
        session=session,
        subject=subject,
        people_count=people_count,
        is_large_group=people_count >= LARGE_GROUP_SIZE,
        is_repeat=is_repeat,
        summary=summary,
        outcome=outcome,
    )


# The import file waiting between its preview and its confirmation -----------------------------
# It holds identities in clear: it waits encrypted (the reporters' keys) in a holding row of the
# session table that expires after an hour, so any app server can take the confirmation and
# nothing lands on disk in clear.

PENDING_KEY = "pending_import"
PENDING_SECONDS = 60 * 60


@sensitive_variables("data")
def import_pending_save(*, session, user, data: bytes, name: str) -> None:
    import_pending_discard(session=session)
    store = HoldingStore()
    store["file"] = crypto.encrypt_bytes(zlib.compress(data)).decode("ascii")
    store["name"] = name
    store["user"] = user.pk
    store.set_expiry(PENDING_SECONDS)
    store.create()
    session[PENDING_KEY] = store.session_key


@sensitive_variables("store", "token", "data")
def import_pending_load(*, session, user) -> tuple[bytes | None, str]:
    key = session.get(PENDING_KEY)
    if not key:
        return None, ""
    store = HoldingStore(session_key=key)
    token = store.get("file")
    if not token or store.get("user") != user.pk:
        return None, ""
    data = zlib.decompress(crypto.decrypt_bytes(token.encode("ascii"), label="pending import"))
    return data, store.get("name", "")


def import_pending_discard(*, session) -> None:
    key = session.pop(PENDING_KEY, None)
    if key:
        HoldingStore(session_key=key).delete()
