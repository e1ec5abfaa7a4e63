"""Reads for intake: possible duplicates of a petition being registered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.text import fold
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
    accused_key = fold(accused)
    if accused_key and field_id:
        window = dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
        same_accused = (
            Case.objects.filter(
                accused_key=accused_key,
                field_id=field_id,
                received_on__gte=received_on - window,
                received_on__lte=received_on + window,
            )
            .exclude(pk__in=exclude_ids)
            .values_list("pk", "number")
        )
        for case_id, number in same_accused:
            hints.setdefault(
                case_id,
                DuplicateHint(
                    case_id, number, str(_("cùng người bị tố cáo và lĩnh vực trong 90 ngày"))
                ),
            )
    return sorted(hints.values(), key=lambda hint: hint.number)
