"""Reads for intake: possible duplicates of a petition being registered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.text import fold
from protection import selectors as protection_selectors
from protection.selectors import reporters_matching
from protection.services import ReporterData

DUPLICATE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class DuplicateHint:
    case_id: int
    number: str
    reason: str


def possible_duplicates(
    *,
    reporters: list[ReporterData],
    accused: str,
    field_id: int | None,
    received_on: dt.date,
    exclude_ids: tuple[int, ...] = (),
) -> list[DuplicateHint]:
    """Cases that may be the same petition: same reporter ID number or phone (blind index), or
    the same accused and field within 90 days. Nothing is decrypted."""
    hints: dict[int, DuplicateHint] = {}
    for data in reporters:
        matches = (
            reporters_matching(data)
            .exclude(case_id__in=exclude_ids)
            .values_list("case_id", "case__number")
        )
        for case_id, number in matches:
            hints.setdefault(case_id, DuplicateHint(case_id, number, str(_("cùng người gửi đơn"))))
    _add_same_accused(
        hints,
        accused_key=fold(accused),
        field_id=field_id,
        received_on=received_on,
        exclude=exclude_ids,
    )
    return sorted(hints.values(), key=lambda hint: hint.number)


def _add_same_accused(hints, *, accused_key: str, field_id, received_on: dt.date, exclude):
    """Cases about the same accused in the same field, received within 90 days either way."""
    if not (accused_key and field_id):
        return
    window = dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    same_accused = (
        Case.objects.filter(
            accused_key=accused_key,
            field_id=field_id,
            received_on__gte=received_on - window,
            received_on__lte=received_on + window,
        )
        .exclude(pk__in=exclude)
        .values_list("pk", "number")
    )
    reason = str(_("cùng người bị tố cáo và lĩnh vực trong 90 ngày"))
    for case_id, number in same_accused:
        hints.setdefault(case_id, DuplicateHint(case_id, number, reason))


def possible_duplicates_of_case(case: Case) -> list[DuplicateHint]:
    """The same checks for a case already registered: other cases whose reporters share an ID
    number or phone with this one's (compared as blind indexes, nothing decrypted), or with the
    same accused and field within 90 days. Cases already linked to it are left out."""
    hints: dict[int, DuplicateHint] = {}
    # The case itself, what is already linked to it, and the other contents of the same
    # petition (which carry the same signers by design).
    linked_condition = (
        Q(pk=case.pk)
        | Q(duplicate_of=case)
        | Q(related_to=case)
        | Q(follow_up_of=case)
        | Q(pk__in=[pk for pk in (case.duplicate_of_id, case.related_to_id) if pk])
    )
    if case.related_to_id:
        linked_condition |= Q(related_to_id=case.related_to_id)
    linked = Case.objects.filter(linked_condition).values("pk")
    for case_id, number in protection_selectors.cases_sharing_a_reporter(case, exclude=linked):
        hints.setdefault(case_id, DuplicateHint(case_id, number, str(_("cùng người gửi đơn"))))
    _add_same_accused(
        hints,
        accused_key=case.accused_key,
        field_id=case.field_id,
        received_on=case.received_on,
        exclude=linked,
    )
    return sorted(hints.values(), key=lambda hint: hint.number)
