"""The figures of a reporting period: one dictionary that the screen, XLSX, CSV, JSON, text and
the snapshot all read, so they cannot disagree.

Everything is counted in the database with conditional aggregates. Petition figures come from
one pass over the read model (`CaseFact`), grouped by kind, field and channel and summed here;
each case is read "as it stood at the end of the period": a date after the period's end counts
as not yet happened. Definitions (issue 5):

- received: received within the period; carried_over: received before it and not finished
  before it began; total = carried_over + received;
- finished: the procedure ended (conclusion, withdrawal, suspension, or a closing handling
  decision: forwarded, guided, returned, filed); resolved: of the total, finished by the end;
  in_progress = total - resolved; overdue: in progress and past the due date in force at the end
  (the handling due date until a decision, then the resolution due date of the acceptance or
  the latest extension; none while the competent agency is urged);
- handled: a handling decision (urging included) by the end; by_decision: the decision in force
  at the end (they add up to handled); findings, by_outcome and deadline met/missed are
  counted among the resolved; resolution: the same for accepted petitions (within authority).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Field
from intake.models import ReceptionSession, ReceptionVisit
from protection.models import (
    IdentityReveal,
    ProtectionMeasure,
    ProtectionRequest,
    RetaliationReport,
)
from reports.models import CaseFact
from reports.periods import Period

KINDS = list(Case.Kind.values)
CHANNELS = list(Case.Channel.values)
DECISIONS = ["accepted", "forwarded", "guided", "returned", "filed", "urged"]
CLOSING = ["forwarded", "guided", "returned", "filed"]
OUTCOMES = ["concluded", "withdrawn", "suspended", *CLOSING]
FINDINGS = list(Case.Finding.values)
SESSION_KINDS = list(ReceptionSession.Kind.values)
SESSION_MODES = list(ReceptionSession.Mode.values)
VISIT_SUBJECTS = list(ReceptionVisit.Subject.values)


def resolution_due_in_force(end: dt.date) -> models.Case:
    """The resolution due date in force on `end` for a case accepted by then: the latest
    extension's, else the acceptance's."""
    return models.Case(
        models.When(ext2_on__lte=end, then=F("ext2_due")),
        models.When(ext1_on__lte=end, then=F("ext1_due")),
        default=F("accepted_due"),
        output_field=models.DateField(),
    )


def _petition_aggregates(start: dt.date, end: dt.date) -> dict[str, Count]:
    """The raw counts; every other petition figure is a sum or difference of these."""
    open_at_end = Q(finished_on__isnull=True) | Q(finished_on__gt=end)
    resolved = Q(finished_on__lte=end)
    accepted = Q(accepted_on__lte=end)
    conditions = {
        "received": Q(received_on__gte=start),
        "carried_over": Q(received_on__lt=start),
        # Overdue is one of two: past the handling due date with no decision yet, or accepted
        # and past the resolution due date in force (an urged case has nothing due from us).
        "overdue_handling": open_at_end
        & (Q(handled_on__isnull=True) | Q(handled_on__gt=end))
        & Q(handling_due__lt=end),
        "eligible": Q(eligible_on__lte=end, eligible=True),
        "decision_accepted": accepted,
        **{f"decision_{name}": Q(decision=name, decision_on__lte=end) for name in CLOSING},
        "decision_urged": Q(urged_on__lte=end) & (Q(decision="urged") | Q(decision_on__gt=end)),
        **{f"outcome_{name}": resolved & Q(finish_kind=name) for name in OUTCOMES[:3]},
        **{f"finding_{name}": resolved & Q(finding=name) for name in FINDINGS},
        "met": resolved & Q(on_time=True),
        "corruption_related": Q(received_on__gte=start, corruption_related=True),
        "extended": Q(ext1_on__lte=end),
        "ext1_granted": Q(ext1_on__gte=start, ext1_on__lte=end),
        "ext2_granted": Q(ext2_on__gte=start, ext2_on__lte=end),
        "res_carried_over": Q(accepted_on__lt=start),
        "res_accepted": Q(accepted_on__gte=start, accepted_on__lte=end),
        "res_resolved": accepted & resolved,
        "res_withdrawn": accepted & resolved & Q(finish_kind="withdrawn"),
        "res_overdue": accepted & open_at_end & Q(resolution_due_at_end__lt=end),
        "res_met": accepted & resolved & Q(resolution_on_time=True),
    }
    return {name: Count("pk", filter=condition) for name, condition in conditions.items()}


RAW_KEYS = list(_petition_aggregates(dt.date(2000, 1, 1), dt.date(2000, 1, 1)))


def petition_cube(period: Period) -> list[dict]:
    """One row per (kind, field, channel) with the raw counts: a single pass over the petitions
    of the period (received by its end and not finished before it began)."""
    start, end = period.start, period.end
    return list(
        CaseFact.objects.filter(received_on__lte=end)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=start))
        .alias(resolution_due_at_end=resolution_due_in_force(end))
        .values("kind", "field_id", "channel")
        .annotate(**_petition_aggregates(start, end))
        .order_by()
    )


def _sum_rows(rows) -> dict[str, int]:
    totals = dict.fromkeys(RAW_KEYS, 0)
    for row in rows:
        for key in RAW_KEYS:
            totals[key] += row[key]
    return totals


def _petition_figures(raw: dict[str, int]) -> dict:
    total = raw["carried_over"] + raw["received"]
    # A case is handled once a decision (urging included) is in force, and each handled case
    # has exactly one decision in force: they add up (one aggregate fewer per row).
    decisions = {name: raw[f"decision_{name}"] for name in DECISIONS}
    handled = sum(decisions.values())
    # Likewise every finished case ended one way; a closing decision in force at the end is
    # also how the case ended.
    outcomes = {
        **{name: raw[f"outcome_{name}"] for name in OUTCOMES[:3]},
        **{name: raw[f"decision_{name}"] for name in CLOSING},
    }
    resolved = sum(outcomes.values())
    res_total = raw["res_carried_over"] + raw["res_accepted"]
    return {
        "carried_over": raw["carried_over"],
        "received": raw["received"],
        "total": total,
        "handled": handled,
        "not_handled": total - handled,
        "eligible": raw["eligible"],
        "resolved": resolved,
        "in_progress": total - resolved,
        "overdue": raw["overdue_handling"] + raw["res_overdue"],
        "by_decision": decisions,
        "by_outcome": outcomes,
        "findings": {name: raw[f"finding_{name}"] for name in FINDINGS},
        "deadline": {"met": raw["met"], "missed": resolved - raw["met"]},
        "extensions": {
            "cases": raw["extended"],
            "granted": raw["ext1_granted"] + raw["ext2_granted"],
        },
        "corruption_related": raw["corruption_related"],
        "resolution": {
            "carried_over": raw["res_carried_over"],
            "accepted": raw["res_accepted"],
            "total": res_total,
            "resolved": raw["res_resolved"],
            "withdrawn": raw["res_withdrawn"],
            "in_progress": res_total - raw["res_resolved"],
            "overdue": raw["res_overdue"],
            "deadline": {
                "met": raw["res_met"],
                "missed": raw["res_resolved"] - raw["res_met"],
            },
        },
    }


def _petitions(period: Period, fields: list[tuple[int, str, str]]) -> tuple[dict, dict, dict]:
    cube = petition_cube(period)
    by_kind_rows: dict[str, list] = defaultdict(list)
    by_field_rows: dict[int, list] = defaultdict(list)
    by_channel = dict.fromkeys(CHANNELS, 0)
    for row in cube:
        by_kind_rows[row["kind"]].append(row)
        by_field_rows[row["field_id"]].append(row)
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["received"]
    kinds = {kind: _petition_figures(_sum_rows(by_kind_rows[kind])) for kind in KINDS}
    field_figures = {}
    for field_id, code, _name in fields:
        figures = _petition_figures(_sum_rows(by_field_rows[field_id]))
        field_figures[code] = {
            key: figures[key] for key in ("received", "total", "resolved", "in_progress", "overdue")
        }
    petitions = _petition_figures(_sum_rows(cube))
    petitions["by_kind"] = {kind: kinds[kind]["received"] for kind in KINDS}
    petitions["by_channel"] = by_channel
    petitions["by_field"] = {code: field_figures[code]["received"] for _id, code, _n in fields}
    return petitions, kinds, field_figures


def _protection(period: Period) -> dict:
    start, end = period.start, period.end
    requests = ProtectionRequest.objects.aggregate(
        requests=Count("pk", filter=Q(received_on__gte=start, received_on__lte=end)),
        granted=Count(
            "pk",
            filter=Q(
                decided_on__gte=start,
                decided_on__lte=end,
                status__in=[ProtectionRequest.Status.GRANTED, ProtectionRequest.Status.ENDED],
            ),
        ),
        refused=Count(
            "pk",
            filter=Q(
                decided_on__gte=start,
                decided_on__lte=end,
                status=ProtectionRequest.Status.REFUSED,
            ),
        ),
        pending=Count(
            "pk",
            filter=Q(received_on__lte=end) & (Q(decided_on__isnull=True) | Q(decided_on__gt=end)),
        ),
    )
    measures = ProtectionMeasure.objects.aggregate(
        measures_in_force=Count(
            "pk",
            filter=Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
        ),
        measures_started=Count("pk", filter=Q(started_on__gte=start, started_on__lte=end)),
    )
    zone = timezone.get_current_timezone()
    reveals_from = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    reveals_until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return {
        "requests": requests["requests"],
        "granted": requests["granted"],
        "refused": requests["refused"],
        "pending": requests["pending"],
        "measures_in_force": measures["measures_in_force"],
        "measures_started": measures["measures_started"],
        "retaliation_reports": RetaliationReport.objects.filter(
            reported_on__gte=start, reported_on__lte=end
        ).count(),
        "identity_reveals": IdentityReveal.objects.filter(
            action__in=IdentityReveal.SEEING_ACTIONS,
            revealed_at__gte=reveals_from,
            revealed_at__lt=reveals_until,
        ).count(),
    }


RECEPTION_KEYS = [
    "sessions",
    "visits",
    "people",
    "cases",
    "cases_first",
    "cases_repeat",
    "large_groups",
    "large_group_people",
    *VISIT_SUBJECTS,
]


def _reception(period: Period) -> dict:
    held = {"held_on__gte": period.start, "held_on__lte": period.end}
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(RECEPTION_KEYS, 0)
    )
    sessions = (
        ReceptionSession.objects.filter(**held)
        .values("kind", "mode")
        .annotate(sessions=Count("pk"))
        .order_by()
    )
    for row in sessions:
        groups[row["kind"], row["mode"]]["sessions"] += row["sessions"]
    # Petitions registered in a visit, counted per visit through the index on
    # Case.reception_visit: a join the other way round would read every case.
    visit_cases = Coalesce(
        Subquery(
            Case.objects.filter(reception_visit=OuterRef("pk"))
            .order_by()
            .values("reception_visit")
            # COUNT(*) lets PostgreSQL answer from the index alone.
            .annotate(n=Count("*"))
            .values("n"),
            output_field=models.IntegerField(),
        ),
        0,
    )
    visits = (
        ReceptionVisit.objects.filter(**{f"session__{k}": v for k, v in held.items()})
        .alias(visit_cases=visit_cases)
        .values("session__kind", "session__mode")
        .annotate(
            visits=Count("pk"),
            people=Sum("people_count", default=0),
            large_groups=Count("pk", filter=Q(is_large_group=True)),
            large_group_people=Sum("people_count", filter=Q(is_large_group=True), default=0),
            cases_first=Sum("visit_cases", filter=Q(is_repeat=False), default=0),
            cases_repeat=Sum("visit_cases", filter=Q(is_repeat=True), default=0),
            **{subject: Count("pk", filter=Q(subject=subject)) for subject in VISIT_SUBJECTS},
        )
        .order_by()
    )
    summed = (
        "visits",
        "people",
        "large_groups",
        "large_group_people",
        "cases_first",
        "cases_repeat",
        *VISIT_SUBJECTS,
    )
    for row in visits:
        group = groups[row["session__kind"], row["session__mode"]]
        for key in summed:
            group[key] += row[key]

    def total(selected) -> dict[str, int]:
        result = dict.fromkeys(RECEPTION_KEYS, 0)
        for group in selected:
            for key in RECEPTION_KEYS:
                result[key] += group[key]
        result["cases"] = result["cases_first"] + result["cases_repeat"]
        return result

    items = list(groups.items())
    reception = total(group for _key, group in items)
    reception["by_type"] = {
        kind: total(group for (k, _m), group in items if k == kind) for kind in SESSION_KINDS
    }
    reception["by_mode"] = {
        mode: total(group for (_k, m), group in items if m == mode) for mode in SESSION_MODES
    }
    return reception


def report_fields() -> list[tuple[int, str, str]]:
    return list(Field.objects.order_by("position", "name").values_list("id", "code", "name"))


def report_figures(period: Period, *, fields: list[tuple[int, str, str]] | None = None) -> dict:
    """Every figure of the period. Contains counts only: no case, no person."""
    fields = report_fields() if fields is None else fields
    petitions, kinds, field_figures = _petitions(period, fields)
    return {
        "period": {**period.as_dict(), "code": period.code, "name": period.name},
        "unit": settings.UNIT_NAME,
        "field_names": {code: name for _id, code, name in fields},
        "petitions": petitions,
        "kinds": kinds,
        "fields": field_figures,
        "protection": _protection(period),
        "reception": _reception(period),
    }


# ---------------------------------------------------------------------------------------------
# Labels: every figure has one Vietnamese label, used by the screen, CSV and XLSX alike.

PETITION_LABELS = {
    "carried_over": _("Kỳ trước chuyển sang"),
    "received": _("Tiếp nhận trong kỳ"),
    "total": _("Tổng số đơn phải xử lý"),
    "handled": _("Đã xử lý đơn"),
    "not_handled": _("Chưa xử lý đơn"),
    "eligible": _("Đủ điều kiện xử lý"),
    "resolved": _("Đã giải quyết xong"),
    "in_progress": _("Đang giải quyết"),
    "overdue": _("Quá hạn (cuối kỳ)"),
    "by_decision.accepted": _("Thụ lý (thuộc thẩm quyền)"),
    "by_decision.forwarded": _("Chuyển đơn"),
    "by_decision.guided": _("Hướng dẫn"),
    "by_decision.returned": _("Trả lại đơn"),
    "by_decision.filed": _("Lưu đơn"),
    "by_decision.urged": _("Đôn đốc"),
    "by_outcome.concluded": _("Kết thúc bằng kết luận, trả lời"),
    "by_outcome.withdrawn": _("Kết thúc do rút đơn"),
    "by_outcome.suspended": _("Kết thúc do đình chỉ"),
    "by_outcome.forwarded": _("Kết thúc bằng chuyển đơn"),
    "by_outcome.guided": _("Kết thúc bằng hướng dẫn"),
    "by_outcome.returned": _("Kết thúc bằng trả lại đơn"),
    "by_outcome.filed": _("Kết thúc bằng lưu đơn"),
    "findings.founded": _("Kết luận đúng"),
    "findings.partly_founded": _("Kết luận đúng một phần"),
    "findings.unfounded": _("Kết luận sai"),
    "deadline.met": _("Giải quyết đúng hạn"),
    "deadline.missed": _("Giải quyết quá hạn"),
    "extensions.cases": _("Số vụ việc được gia hạn"),
    "extensions.granted": _("Số lần gia hạn trong kỳ"),
    "corruption_related": _("Liên quan tham nhũng, lãng phí, tiêu cực (tiếp nhận trong kỳ)"),
    "resolution.carried_over": _("Thụ lý: kỳ trước chuyển sang"),
    "resolution.accepted": _("Thụ lý mới trong kỳ"),
    "resolution.total": _("Thụ lý: tổng số phải giải quyết"),
    "resolution.resolved": _("Thụ lý: đã giải quyết xong"),
    "resolution.withdrawn": _("Thụ lý: kết thúc do rút đơn"),
    "resolution.in_progress": _("Thụ lý: đang giải quyết"),
    "resolution.overdue": _("Thụ lý: quá hạn (cuối kỳ)"),
    "resolution.deadline.met": _("Thụ lý: giải quyết đúng hạn"),
    "resolution.deadline.missed": _("Thụ lý: giải quyết quá hạn"),
}
FIELD_LABELS = {key: PETITION_LABELS[key] for key in ("received", "total", "resolved")} | {
    "in_progress": PETITION_LABELS["in_progress"],
    "overdue": PETITION_LABELS["overdue"],
}
PROTECTION_LABELS = {
    "requests": _("Đề nghị bảo vệ tiếp nhận"),
    "granted": _("Quyết định áp dụng biện pháp bảo vệ"),
    "refused": _("Quyết định không áp dụng"),
    "pending": _("Đề nghị chờ quyết định (cuối kỳ)"),
    "measures_in_force": _("Biện pháp bảo vệ đang áp dụng (cuối kỳ)"),
    "measures_started": _("Biện pháp bảo vệ bắt đầu áp dụng trong kỳ"),
    "retaliation_reports": _("Phản ánh bị trả thù, trù dập"),
    "identity_reveals": _("Lượt xem danh tính người gửi đơn (đã ghi nhật ký)"),
}
RECEPTION_LABELS = {
    "sessions": _("Số buổi tiếp"),
    "visits": _("Số lượt tiếp"),
    "people": _("Số người được tiếp"),
    "cases": _("Số vụ việc"),
    "cases_first": _("Vụ việc tiếp lần đầu"),
    "cases_repeat": _("Vụ việc cũ, tiếp nhiều lần"),
    "large_groups": _("Số đoàn đông người"),
    "large_group_people": _("Số người trong các đoàn đông người"),
    "complaint": _("Lượt tiếp về khiếu nại"),
    "denunciation": _("Lượt tiếp về tố cáo"),
    "recommendation": _("Lượt tiếp về kiến nghị, phản ánh"),
}
SECTION_LABELS = {
    "petitions": _("Đơn"),
    "kinds": _("Theo loại đơn"),
    "fields": _("Theo lĩnh vực"),
    "protection": _("Bảo vệ người tố cáo"),
    "reception": _("Tiếp công dân"),
}


def _walk(value, path: str = ""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}" if path else key)
    else:
        yield path, value


def _kind_label(kind: str) -> str:
    try:
        return str(Case.Kind(kind).label)
    except ValueError:
        return kind


def figure_label(key: str, field_names: dict[str, str] | None = None) -> str:
    """The Vietnamese label of a flattened figure key ("kinds.denunciation.resolved")."""
    section, _dot, rest = key.partition(".")
    if section == "petitions":
        head, _dot, leaf = rest.partition(".")
        if head == "by_kind":
            return _("Tiếp nhận trong kỳ: %(kind)s") % {"kind": _kind_label(leaf)}
        if head == "by_channel":
            return _("Tiếp nhận trong kỳ, nguồn đơn: %(channel)s") % {
                "channel": Case.Channel(leaf).label
            }
        if head == "by_field":
            name = (field_names or {}).get(leaf, leaf)
            return _("Tiếp nhận trong kỳ, lĩnh vực: %(field)s") % {"field": name}
        return str(PETITION_LABELS[rest])
    if section == "kinds":
        kind, _dot, leaf = rest.partition(".")
        return f"{_kind_label(kind)}: {PETITION_LABELS[leaf]}"
    if section == "fields":
        code, _dot, leaf = rest.partition(".")
        name = (field_names or {}).get(code, code)
        return _("Lĩnh vực %(field)s: %(figure)s") % {"field": name, "figure": FIELD_LABELS[leaf]}
    if section == "protection":
        return str(PROTECTION_LABELS[rest])
    if section == "reception":
        head, _dot, leaf = rest.partition(".")
        if head == "by_type":
            kind, _dot, leaf = leaf.partition(".")
            group = ReceptionSession.Kind(kind).label
            return f"{group}: {RECEPTION_LABELS[leaf]}"
        if head == "by_mode":
            mode, _dot, leaf = leaf.partition(".")
            group = ReceptionSession.Mode(mode).label
            return f"{group}: {RECEPTION_LABELS[leaf]}"
        return _("Tiếp công dân: %(figure)s") % {"figure": RECEPTION_LABELS[rest]}
    raise KeyError(key)


def flatten(figures: dict) -> list[tuple[str, int]]:
    """Every count of the figures as (dotted key, value), in a stable order."""
    return [
        (key, value)
        for section in SECTION_LABELS
        for key, value in _walk(figures.get(section, {}), section)
    ]


def figure_rows(figures: dict) -> list[tuple[str, str, int]]:
    """(key, label, value) for every figure: the CSV, and the list sheet of the XLSX."""
    names = figures.get("field_names", {})
    return [(key, figure_label(key, names), value) for key, value in flatten(figures)]


# ---------------------------------------------------------------------------------------------
# The dashboard: petitions received and resolved per calendar month.


def month_starts(today: dt.date, months: int = 12) -> list[dt.date]:
    """The first days of the last `months` calendar months, the current one last."""
    index = today.year * 12 + today.month - 1
    return [
        dt.date((index - back) // 12, (index - back) % 12 + 1, 1)
        for back in range(months - 1, -1, -1)
    ]


def _month_end(first: dt.date) -> dt.date:
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def monthly_series(today: dt.date, *, months: int = 12, fields=None) -> dict:
    """Received and resolved per month, in total, by kind and by field: one query.

    A month's numbers are the report's `received` and `resolved` for that calendar month
    (resolved in a period = finished within it), so the dashboard and the report agree.
    """
    fields = report_fields() if fields is None else fields
    starts = month_starts(today, months)
    ends = [_month_end(first) for first in starts]
    aggregates = {}
    for index, (first, last) in enumerate(zip(starts, ends, strict=True)):
        aggregates[f"received_{index}"] = Count(
            "pk", filter=Q(received_on__gte=first, received_on__lte=last)
        )
        aggregates[f"resolved_{index}"] = Count(
            "pk", filter=Q(finished_on__gte=first, finished_on__lte=last)
        )
    window = Q(received_on__gte=starts[0], received_on__lte=ends[-1]) | Q(
        finished_on__gte=starts[0], finished_on__lte=ends[-1]
    )
    rows = list(
        CaseFact.objects.filter(window).values("kind", "field_id").annotate(**aggregates).order_by()
    )

    def series(selected) -> dict[str, list[int]]:
        return {
            measure: [sum(row[f"{measure}_{i}"] for row in selected) for i in range(months)]
            for measure in ("received", "resolved")
        }

    return {
        "months": starts,
        **series(rows),
        "by_kind": {kind: series([r for r in rows if r["kind"] == kind]) for kind in KINDS},
        "by_field": {
            code: series([r for r in rows if r["field_id"] == field_id])
            for field_id, code, _name in fields
        },
        "field_names": {code: name for _id, code, name in fields},
    }
