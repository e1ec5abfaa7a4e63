"""Writes of the reports app: finalising a period's figures (chốt số liệu)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reports.figures import report_figures
from reports.models import ReportSnapshot
from reports.periods import Period


class SnapshotError(ValueError):
    pass


@transaction.atomic
def snapshot_finalize(*, period: Period, by, note: str = "") -> ReportSnapshot:
    """Store today's figures of the period, with who and when. A period is finalised once:
    later exports compare against these figures."""
    if ReportSnapshot.objects.filter(start=period.start, end=period.end).exists():
        raise SnapshotError(_("Số liệu kỳ này đã được chốt."))
    try:
        with transaction.atomic():
            return ReportSnapshot.objects.create(
                start=period.start,
                end=period.end,
                figures=report_figures(period),
                finalized_by=by,
                note=note.strip(),
            )
    except IntegrityError as error:  # two heads finalising at the same moment
        raise SnapshotError(_("Số liệu kỳ này đã được chốt.")) from error
