"""The report read model: one `CaseFact` row per case, derived from the case's timeline.

`fact_from` is the single definition of what a timeline means for the reports; the timeline
listener (`facts_follow_timeline`, called by the kernel's one function that writes timeline
events, for a step on a screen and an imported batch alike), `report_facts --rebuild` and the
benchmark loader all go through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cases.models import Case, CaseEvent
from reports.models import CaseFact

Kind = CaseEvent.Kind

# Steps that end the procedure (docs/product.md#open-and-finished) and the name the reports
# give each.
FINISHING = {
    Kind.CONCLUDED: "concluded",
    Kind.WITHDRAWN: "withdrawn",
    Kind.SUSPENDED: "suspended",
    Kind.FORWARDED: "forwarded",
    Kind.GUIDED: "guided",
    Kind.RETURNED: "returned",
    Kind.FILED: "filed",
}
# Handling decisions that settle a petition (urging does not: another decision may follow).
SETTLING_DECISIONS = {
    Kind.ACCEPTED: "accepted",
    Kind.FORWARDED: "forwarded",
    Kind.GUIDED: "guided",
    Kind.RETURNED: "returned",
    Kind.FILED: "filed",
}
# Only these steps change a fact; recording any other one costs the reports nothing.
RELEVANT_KINDS = frozenset(
    {
        Kind.RECEIVED,
        Kind.ELIGIBILITY_CHECKED,
        Kind.URGED,
        Kind.EXTENDED,
        *FINISHING,
        *SETTLING_DECISIONS,
    }
)

FACT_FIELDS = [
    field.attname for field in CaseFact._meta.concrete_fields if field.attname != "case_id"
]


@dataclass(frozen=True)
class CaseRow:
    id: int
    kind: str
    channel: str
    field_id: int
    corruption_related: bool
    received_on: dt.date
    handling_due: dt.date | None


@dataclass(frozen=True)
class EventRow:
    kind: str
    effective_on: dt.date
    due_on: dt.date | None
    data: dict


CASE_COLUMNS = ("id", "kind", "channel", "field_id", "corruption_related", "received_on")
EVENT_COLUMNS = ("kind", "effective_on", "due_on", "data")


def _due_in_force(fact: dict, on: dt.date) -> dt.date | None:
    """The resolution due date in force on a day, for an accepted case."""
    if fact["ext2_on"] and fact["ext2_on"] <= on:
        return fact["ext2_due"]
    if fact["ext1_on"] and fact["ext1_on"] <= on:
        return fact["ext1_due"]
    return fact["accepted_due"]


def fact_from(case: CaseRow, events: Iterable[EventRow]) -> dict:
    """The facts of one case from its steps, given in timeline order (effective date, then
    recording order). Returns the CaseFact column values."""
    fact = dict.fromkeys(FACT_FIELDS)
    fact.update(
        case_id=case.id,
        kind=case.kind,
        channel=case.channel,
        field_id=case.field_id,
        corruption_related=case.corruption_related,
        received_on=case.received_on,
        handling_due=case.handling_due,
        decision="",
        finish_kind="",
        finding="",
    )
    received_seen = False
    extensions: list[EventRow] = []
    for event in events:
        kind = event.kind
        if kind == Kind.RECEIVED and not received_seen:
            received_seen = True
            fact["handling_due"] = event.due_on or case.handling_due
        elif kind == Kind.ELIGIBILITY_CHECKED:
            # eligible_on is when the case became eligible and stayed so: a check that only
            # confirms an earlier one must not move a past period's count.
            eligible = bool((event.data or {}).get("eligible"))
            if not (eligible and fact["eligible"]):
                fact["eligible_on"] = event.effective_on
            fact["eligible"] = eligible
        elif kind == Kind.URGED and fact["urged_on"] is None:
            fact["urged_on"] = event.effective_on
        elif kind == Kind.EXTENDED:
            extensions.append(event)
        if kind in SETTLING_DECISIONS and not fact["decision"]:
            fact["decision"] = SETTLING_DECISIONS[kind]
            fact["decision_on"] = event.effective_on
            answered = (event.data or {}).get("handling_due")
            if answered:
                fact["handling_due"] = dt.date.fromisoformat(answered)
            if kind == Kind.ACCEPTED:
                fact["accepted_on"] = event.effective_on
                fact["accepted_due"] = event.due_on
        if kind in FINISHING and fact["finished_on"] is None:
            fact["finished_on"] = event.effective_on
            fact["finish_kind"] = FINISHING[kind]
            if kind == Kind.CONCLUDED:
                fact["finding"] = (event.data or {}).get("finding") or ""
    if extensions:
        fact["ext1_on"], fact["ext1_due"] = extensions[0].effective_on, extensions[0].due_on
        if len(extensions) > 1:
            fact["ext2_on"], fact["ext2_due"] = extensions[-1].effective_on, extensions[-1].due_on
    if not fact["decision"] and fact["urged_on"]:
        fact["decision"], fact["decision_on"] = "urged", fact["urged_on"]
    firsts = [day for day in (fact["urged_on"], fact["decision_on"]) if day]
    fact["handled_on"] = min(firsts) if firsts else None
    finished = fact["finished_on"]
    if finished:
        # The first step had to come by the handling due date (a withdrawal before any
        # decision is that step), then the end by the resolution due date in force.
        first_step = min(fact["handled_on"] or finished, finished)
        handling_ok = fact["handling_due"] is None or first_step <= fact["handling_due"]
        resolution_ok = None
        if fact["accepted_on"] and fact["accepted_on"] <= finished:
            due = _due_in_force(fact, finished)
            resolution_ok = due is None or finished <= due
        fact["on_time"] = handling_ok and resolution_ok is not False
        fact["resolution_on_time"] = resolution_ok
    return fact


def _case_rows(case_ids) -> list[CaseRow]:
    rows = Case.objects.filter(pk__in=case_ids).values_list(*CASE_COLUMNS, "handling_due")
    return [CaseRow(*row) for row in rows]


def _events_by_case(case_ids) -> dict[int, list[EventRow]]:
    events: dict[int, list[EventRow]] = {}
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids, kind__in=RELEVANT_KINDS)
        .order_by("case_id", "effective_on", "recorded_at", "id")
        .values_list("case_id", *EVENT_COLUMNS)
    )
    for case_id, *values in rows:
        events.setdefault(case_id, []).append(EventRow(*values))
    return events


def facts_compute(case_ids) -> Iterator[dict]:
    case_ids = list(case_ids)
    events = _events_by_case(case_ids)
    for case in _case_rows(case_ids):
        yield fact_from(case, events.get(case.id, []))


def facts_save(facts: Iterable[dict]) -> int:
    """Insert or replace the given facts (one statement)."""
    objects = [CaseFact(**fact) for fact in facts]
    if objects:
        CaseFact.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=FACT_FIELDS,
        )
    return len(objects)


def facts_refresh(case_ids) -> int:
    """Recompute the facts of these cases."""
    return facts_save(facts_compute(case_ids))


def fact_refresh_case(case: Case) -> None:
    """Recompute one case's facts from the case in hand and its steps (two queries)."""
    row = CaseRow(
        case.pk,
        case.kind,
        case.channel,
        case.field_id,
        case.corruption_related,
        case.received_on,
        case.handling_due,
    )
    events = _events_by_case([case.pk]).get(case.pk, [])
    facts_save([fact_from(row, events)])


def facts_rebuild(*, batch_size: int = 5000, check_only: bool = False) -> tuple[int, int]:
    """Recompute every case's facts. Returns (cases, facts that differed). With check_only the
    table is left as it is: a drift check."""
    case_ids = Case.objects.order_by("pk").values_list("pk", flat=True)
    total = differing = 0
    batch: list[int] = []

    def flush(ids: list[int]) -> int:
        computed = list(facts_compute(ids))
        stored = {
            row["case_id"]: row
            for row in CaseFact.objects.filter(case_id__in=ids).values("case_id", *FACT_FIELDS)
        }
        changed = [fact for fact in computed if stored.get(fact["case_id"]) != fact]
        if changed and not check_only:
            facts_save(changed)
        return len(changed)

    for case_id in case_ids.iterator(chunk_size=batch_size):
        batch.append(case_id)
        if len(batch) >= batch_size:
            differing += flush(batch)
            total += len(batch)
            batch = []
    if batch:
        differing += flush(batch)
        total += len(batch)
    return total, differing


def facts_follow_timeline(events) -> None:
    """Keep the facts in step with the timeline: registered with the kernel
    (cases.extensions), called in the transaction that wrote `events`."""
    relevant = [event for event in events if event.kind in RELEVANT_KINDS]
    case_ids = {event.case_id for event in relevant}
    if len(case_ids) == 1:
        # One case, usually a step just taken: its facts from the case in hand.
        fact_refresh_case(relevant[0].case)
    elif case_ids:
        facts_refresh(case_ids)
