"""Reads on reporter identities, the access log and protection.

Only `case_identities` decrypts, and only the reveal and correction views call it, after
`services.identity_reveal` has logged the reveal. Everything else reads pseudonyms, field
names, counts and statuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import cases_visible_to
from cases.models import Case
from core import crypto
from protection.access import (
    IdentityAccess,
    can_correct_identity,
    can_decide_access,
    can_request_access,
    identity_access,
)
from protection.models import (
    IDENTITY_FIELDS,
    IdentityAccessRequest,
    IdentityBasis,
    IdentityReveal,
    ProtectedPerson,
    ProtectionMeasure,
    ProtectionRequest,
    Reporter,
    RetaliationReport,
    identity_field_labels,
    pseudonym,
)
from protection.services import ReporterData

# --- Duplicates, through the blind index -------------------------------------------------


def _indexes(value: str, purpose: str) -> list[str]:
    """The value's index under the current key, and under the previous one while a blind
    index rotation is under way (settings.OLD_BLIND_INDEX_KEY)."""
    indexes = [
        crypto.blind_index_of(value, purpose=purpose, key=key) for key in crypto.blind_index_keys()
    ]
    return [index for index in indexes if index]


def reporters_matching(data: ReporterData) -> QuerySet[Reporter]:
    """Reporters of other petitions with the same ID number, or the same phone, through the
    blind index."""
    conditions = Q(pk__in=[])
    id_indexes = _indexes(data.id_number, "id_number")
    phone_indexes = _indexes(data.phone, "phone")
    if id_indexes:
        conditions |= Q(id_number_index__in=id_indexes)
    if phone_indexes:
        conditions |= Q(phone_index__in=phone_indexes)
    return Reporter.objects.filter(conditions)


def cases_sharing_a_reporter(case, *, exclude) -> QuerySet:
    """(case id, number) of other cases whose reporters share an ID number or a phone with
    `case`'s, compared as keyed hashes (nothing is decrypted); `exclude` is a queryset of case
    ids to leave out (the case itself, what is already linked to it)."""
    own = Reporter.objects.filter(case=case)
    return (
        Reporter.objects.filter(
            Q(id_number_index__in=own.exclude(id_number_index="").values("id_number_index"))
            | Q(phone_index__in=own.exclude(phone_index="").values("phone_index"))
        )
        .exclude(case_id__in=exclude)
        .values_list("case_id", "case__number")
        .distinct()
    )


# --- The case page: pseudonyms and what the user may do ----------------------------------


@dataclass(frozen=True)
class IdentityPanel:
    access: IdentityAccess | None
    can_correct: bool
    can_request: bool
    can_decide: bool
    my_requests: list[IdentityAccessRequest]
    pending_count: int
    reporters: list[tuple[int, str]]  # (pk, pseudonym), for the correction links


def identity_panel(*, user, case, now=None) -> IdentityPanel:
    """What the case page says about identity to `user`: two queries (the user's own requests
    with this case's pending ones, and the reporters' positions)."""
    now = now or timezone.now()
    requests = list(
        IdentityAccessRequest.objects.filter(case=case)
        .filter(Q(requested_by=user) | Q(status=IdentityAccessRequest.Status.PENDING))
        .select_related("decided_by")
        .order_by("-requested_at", "-id")
    )
    mine = [r for r in requests if r.requested_by_id == user.pk]
    access = None
    if user.has_perm("protection.reveal_identity_any") or (
        case.registered_by_id == user.pk and user.has_perm("cases.register_case")
    ):
        access = identity_access(user, case, now=now)
    else:
        grant = next((r for r in mine if r.is_in_force(now)), None)
        if grant is not None:
            access = IdentityAccess(IdentityBasis.GRANT, grant)
    can_decide = can_decide_access(user)
    reporters = []
    if can_correct_identity(access):
        reporters = [
            (pk, pseudonym(case.kind, position))
            for pk, position in Reporter.objects.filter(case=case)
            .order_by("position")
            .values_list("pk", "position")
        ]
    return IdentityPanel(
        access=access,
        can_correct=can_correct_identity(access),
        can_request=can_request_access(user, access)
        and not any(r.status == IdentityAccessRequest.Status.PENDING for r in mine),
        can_decide=can_decide,
        my_requests=mine[:3],
        pending_count=sum(
            1
            for r in requests
            if r.status == IdentityAccessRequest.Status.PENDING and r.requested_by_id != user.pk
        )
        if can_decide
        else 0,
        reporters=reporters,
    )


# --- The reveal: the only reads that decrypt ---------------------------------------------


@dataclass(frozen=True)
class IdentityRow:
    label: str  # "Người tố cáo A", "Vợ hoặc chồng (Người tố cáo A)"
    # (field label, value) for the chosen fields; kept out of repr(), which error pages print.
    values: list[tuple[str, str]] = field(repr=False)
    is_representative: bool = False


def case_identities(case, fields: list[str]) -> list[IdentityRow]:
    """Decrypt the chosen fields of the case's reporters and protected persons. Call only
    after `services.identity_reveal` logged it, and show the result in that response only."""
    fields = [name for name in IDENTITY_FIELDS if name in fields]
    labels = dict(zip(fields, identity_field_labels(fields), strict=True))
    rows = []
    reporters = list(Reporter.objects.filter(case=case).order_by("position"))
    for reporter in reporters:
        rows.append(
            IdentityRow(
                label=pseudonym(case.kind, reporter.position),
                values=[(labels[name], getattr(reporter, name)) for name in fields],
                is_representative=reporter.is_representative,
            )
        )
    persons = ProtectedPerson.objects.filter(request__case=case).select_related(
        "reporter", "request"
    )
    for person in persons.order_by("request__received_on", "id"):
        if person.relation == ProtectedPerson.Relation.REPORTER:
            continue  # the reporter's own identity is already listed above
        of = f" ({pseudonym(case.kind, person.reporter.position)})" if person.reporter else ""
        rows.append(
            IdentityRow(
                label=f"{person.get_relation_display()}{of}",
                values=[
                    (labels[name], getattr(person, name))
                    for name in fields
                    if hasattr(person, name)
                ],
            )
        )
    return rows


def reporter_identity(reporter: Reporter) -> ReporterData:
    """The current values, for the correction form (after a logged reveal)."""
    return ReporterData(
        full_name=reporter.full_name,
        id_number=reporter.id_number,
        phone=reporter.phone,
        address=reporter.address,
        email=reporter.email,
        is_representative=reporter.is_representative,
    )


# --- History without values --------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    subject: str
    user: object
    kind: str  # "created", "changed", "deleted"
    fields: list[str]  # labels of the fields that changed, never their values
    reason: str


def _history_entries(records, subject_of, model) -> list[HistoryEntry]:
    watched = [f.name for f in model._meta.fields if f.name in IDENTITY_FIELDS]
    labels = dict(zip(watched, identity_field_labels(watched), strict=True))
    entries = []
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            if record.history_type == "+":
                kind, changed = "created", [n for n in watched if getattr(record, n)]
            elif record.history_type == "-":
                kind, changed = "deleted", []
            else:
                kind = "changed"
                # Compared in memory on decrypted values (ciphertext differs on every save).
                changed = (
                    [n for n in watched if getattr(record, n) != getattr(previous, n)]
                    if previous is not None
                    else []
                )
            previous = record
            if kind == "changed" and not changed:
                continue
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    subject=subject_of(record),
                    user=record.history_user,
                    kind=kind,
                    fields=[labels[n] for n in changed],
                    reason=record.history_change_reason or "",
                )
            )
    return entries


def identity_history(case) -> list[HistoryEntry]:
    """Lịch sử thay đổi thông tin người gửi: when, by whom, which fields, never the values."""
    reporter_records = Reporter.history.filter(case_id=case.pk).select_related("history_user")
    entries = _history_entries(
        reporter_records, lambda r: pseudonym(case.kind, r.position), Reporter
    )
    relations = dict(ProtectedPerson.Relation.choices)
    request_ids = list(ProtectionRequest.objects.filter(case=case).values_list("pk", flat=True))
    person_records = ProtectedPerson.history.filter(request_id__in=request_ids).select_related(
        "history_user"
    )
    entries += _history_entries(
        person_records, lambda r: str(relations.get(r.relation, r.relation)), ProtectedPerson
    )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


# --- Access requests ---------------------------------------------------------------------


def access_requests_to_decide(*, user) -> QuerySet[IdentityAccessRequest]:
    """Pending requests on cases the head may open."""

    return (
        IdentityAccessRequest.objects.filter(
            status=IdentityAccessRequest.Status.PENDING,
            case__in=cases_visible_to(user),
        )
        .exclude(requested_by=user)
        .select_related("case", "requested_by")
        .order_by("requested_at", "id")
    )


def access_requests_decided(*, user, limit: int = 20) -> QuerySet[IdentityAccessRequest]:

    return (
        IdentityAccessRequest.objects.exclude(status=IdentityAccessRequest.Status.PENDING)
        .filter(case__in=cases_visible_to(user))
        .select_related("case", "requested_by", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def access_requests_of(*, user) -> QuerySet[IdentityAccessRequest]:
    return (
        IdentityAccessRequest.objects.filter(requested_by=user)
        .select_related("case", "decided_by")
        .order_by("-requested_at", "-id")
    )


# --- The access log ----------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    start: dt.date | None = None
    end: dt.date | None = None
    user_id: int | None = None
    case_number: str = ""


LOG_ACTIONS = {
    "requested": gettext_lazy("Đề nghị xem danh tính"),
    "granted": gettext_lazy("Đồng ý cho xem"),
    "refused": gettext_lazy("Từ chối cho xem"),
    IdentityReveal.Action.VIEW: IdentityReveal.Action.VIEW.label,
    IdentityReveal.Action.EVIDENCE: IdentityReveal.Action.EVIDENCE.label,
    IdentityReveal.Action.CORRECT: IdentityReveal.Action.CORRECT.label,
}


def _day_bounds(filters: LogFilters):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=tz) if filters.start else None
    end = (
        dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        if filters.end
        else None
    )
    return start, end


def _filtered(queryset, *, at: str, user: str, filters: LogFilters):
    start, end = _day_bounds(filters)
    if start:
        queryset = queryset.filter(**{f"{at}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{at}__lt": end})
    if filters.user_id:
        queryset = queryset.filter(**{user: filters.user_id})
    if filters.case_number.strip():
        queryset = queryset.filter(case__number__iexact=filters.case_number.strip())
    return queryset


def access_log(filters: LogFilters | None = None) -> QuerySet:
    """Every step of identity access, newest first, as one query: reveals and corrections
    (the append-only IdentityReveal), requests and the head's decisions. Rows are dicts with
    the same keys; `log_rows` attaches users and cases to a page of them."""
    filters = filters or LogFilters()
    text = CharField()
    # A typed NULL: PostgreSQL would read a bare one as text and refuse the union.
    no_time = Cast(Value(None), output_field=IdentityAccessRequest._meta.get_field("valid_until"))

    def row(**columns):
        # A union matches columns by position: every part lists them in this order.
        order = [
            "log_at",
            "log_action",
            "log_user",
            "log_case",
            "log_fields",
            "log_reason",
            "log_basis",
            "log_ip",
            "log_agent",
            "log_request",
            "log_until",
            "log_pk",
        ]
        return {name: columns.get(name, Value(None, output_field=text)) for name in order}

    reveals = _filtered(
        IdentityReveal.objects.all(), at="revealed_at", user="user_id", filters=filters
    ).values(
        **row(
            log_at=F("revealed_at"),
            log_action=F("action"),
            log_user=F("user_id"),
            log_case=F("case_id"),
            log_fields=Cast("fields", text),
            log_reason=F("reason"),
            log_basis=F("basis"),
            log_ip=Cast("ip_address", text),
            log_agent=F("user_agent"),
            log_request=F("access_request_id"),
            log_until=no_time,
            log_pk=F("id"),
        )
    )
    requested = _filtered(
        IdentityAccessRequest.objects.all(),
        at="requested_at",
        user="requested_by_id",
        filters=filters,
    ).values(
        **row(
            log_at=F("requested_at"),
            log_action=Value("requested", output_field=text),
            log_user=F("requested_by_id"),
            log_case=F("case_id"),
            log_reason=F("reason"),
            log_request=F("id"),
            log_until=no_time,
            log_pk=F("id"),
        )
    )
    decided = _filtered(
        IdentityAccessRequest.objects.filter(decided_at__isnull=False),
        at="decided_at",
        user="decided_by_id",
        filters=filters,
    ).values(
        **row(
            log_at=F("decided_at"),
            log_action=F("status"),
            log_user=F("decided_by_id"),
            log_case=F("case_id"),
            log_reason=F("decision_reason"),
            log_request=F("id"),
            log_until=F("valid_until"),
            log_pk=F("id"),
        )
    )
    # Each part drops its model's default ordering: a union takes one ORDER BY, at the end.
    return (
        reveals.order_by()
        .union(requested.order_by(), decided.order_by(), all=True)
        .order_by("-log_at", "-log_pk")
    )


@dataclass(frozen=True)
class LogRow:
    at: dt.datetime
    action: str
    action_label: str
    user: object
    case: object
    fields: list[str]
    reason: str
    basis: str
    ip_address: str
    user_agent: str
    request_id: int | None
    valid_until: dt.datetime | None


def log_rows(rows) -> list[LogRow]:
    """Turn union rows into LogRows with their users and cases (two queries)."""
    import json

    from django.contrib.auth import get_user_model

    rows = list(rows)
    users = get_user_model().objects.in_bulk({row["log_user"] for row in rows})
    cases = Case.objects.only("number").in_bulk({row["log_case"] for row in rows})
    bases = dict(IdentityReveal._meta.get_field("basis").choices)
    result = []
    for row in rows:
        fields = row["log_fields"]
        names = json.loads(fields) if isinstance(fields, str) else (fields or [])
        action, basis = row["log_action"], row["log_basis"]
        result.append(
            LogRow(
                at=_aware(row["log_at"]),
                action=action,
                action_label=str(LOG_ACTIONS.get(action, action)),
                user=users.get(row["log_user"]),
                case=cases.get(row["log_case"]),
                fields=identity_field_labels(names),
                reason=row["log_reason"] or "",
                basis=str(bases.get(basis, "")) if basis else "",
                # PostgreSQL writes an inet as text with its prefix length ("10.0.0.1/32").
                ip_address=(row["log_ip"] or "").split("/")[0],
                user_agent=row["log_agent"] or "",
                request_id=row["log_request"],
                valid_until=_aware(row["log_until"]),
            )
        )
    return result


def _aware(value):
    """A union's datetimes come back naive on SQLite (no declared type to convert by)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def log_users():
    """Everyone who appears in the log, for the filter's user list."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            Q(identity_reveals__isnull=False)
            | Q(identity_requests__isnull=False)
            | Q(identity_requests_decided__isnull=False)
        )
        .distinct()
        .order_by("full_name", "username")
    )


# --- Protection --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtectionPanel:
    requests: list[ProtectionRequest]
    retaliation_reports: list[RetaliationReport]


def protection_panel(case) -> ProtectionPanel:
    """What the case page shows about protection: statuses and counts, never persons (two
    queries)."""
    requests = list(
        ProtectionRequest.objects.filter(case=case)
        .annotate(
            # distinct: the two joins multiply each other's rows
            measures_in_force=Count(
                "measures",
                filter=Q(measures__status=ProtectionMeasure.Status.IN_FORCE),
                distinct=True,
            ),
            persons_count=Count("persons", distinct=True),
        )
        .order_by("-received_on", "-id")
    )
    reports = list(RetaliationReport.objects.filter(case=case).order_by("-reported_on", "-id"))
    return ProtectionPanel(requests=requests, retaliation_reports=reports)


@dataclass(frozen=True)
class ProtectionFilters:
    status: str = ""
    case_number: str = ""


def protection_requests(*, user, filters: ProtectionFilters | None = None):
    """Protection requests on the cases the user may open."""

    filters = filters or ProtectionFilters()
    requests = ProtectionRequest.objects.filter(case__in=cases_visible_to(user))
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.case_number.strip():
        requests = requests.filter(case__number__iexact=filters.case_number.strip())
    return (
        requests.select_related("case")
        .annotate(
            measures_in_force=Count(
                "measures",
                filter=Q(measures__status=ProtectionMeasure.Status.IN_FORCE),
                distinct=True,
            ),
            retaliation_count=Count("retaliation_reports", distinct=True),
        )
        .order_by("-received_on", "-id")
    )


def protection_request_detail(*, user, pk: int) -> ProtectionRequest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        ProtectionRequest.objects.select_related("case", "decided_by", "recorded_by"),
        pk=pk,
        case__in=cases_visible_to(user),
    )


def protected_persons(request: ProtectionRequest) -> list[str]:
    """ "Người tố cáo A", "Vợ hoặc chồng của Người tố cáo A": relations and pseudonyms, no
    identity. Reads only the columns that are not encrypted."""
    rows = (
        ProtectedPerson.objects.filter(request=request)
        .order_by("id")
        .values_list("relation", "reporter__position")
    )
    relations = dict(ProtectedPerson.Relation.choices)
    labels = []
    for relation, position in rows:
        who = pseudonym(request.case.kind, position) if position else ""
        if relation == ProtectedPerson.Relation.REPORTER and who:
            labels.append(who)
        elif who:
            labels.append(
                _("%(relation)s của %(who)s") % {"relation": relations[relation], "who": who}
            )
        else:
            labels.append(str(relations.get(relation, relation)))
    return labels
