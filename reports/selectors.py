"""Reads of the reports app beyond the figures themselves: finalised snapshots and how today's
figures compare with them."""

from __future__ import annotations

from dataclasses import dataclass

from reports.figures import figure_label, flatten
from reports.models import ReportSnapshot
from reports.periods import Period


@dataclass(frozen=True)
class Difference:
    key: str
    label: str
    finalized: int
    current: int


@dataclass(frozen=True)
class SnapshotStatus:
    snapshot: ReportSnapshot
    differences: list[Difference]

    @property
    def matches(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict:
        return {
            "finalized_at": self.snapshot.finalized_at.isoformat(),
            "finalized_by": str(self.snapshot.finalized_by),
            "matches": self.matches,
            "differences": [
                {"key": d.key, "finalized": d.finalized, "current": d.current}
                for d in self.differences
            ],
        }


def _label(key: str, names: dict[str, str]) -> str:
    try:
        return figure_label(key, names)
    except (KeyError, ValueError):  # a figure of an older release, no longer labelled
        return key


def snapshot_for(period: Period) -> ReportSnapshot | None:
    return (
        ReportSnapshot.objects.select_related("finalized_by")
        .filter(start=period.start, end=period.end)
        .first()
    )


def snapshot_compare(snapshot: ReportSnapshot, figures: dict) -> SnapshotStatus:
    """Which figures today's data gives differently from the finalised ones. A figure one side
    lacks (a field added to the lookup table since) counts as zero there."""
    finalized = dict(flatten(snapshot.figures))
    current = dict(flatten(figures))
    names = {**snapshot.figures.get("field_names", {}), **figures.get("field_names", {})}
    differences = [
        Difference(key, _label(key, names), finalized.get(key, 0), current.get(key, 0))
        for key in [*current, *(key for key in finalized if key not in current)]
        if finalized.get(key, 0) != current.get(key, 0)
    ]
    return SnapshotStatus(snapshot, differences)


def snapshot_status(period: Period, figures: dict) -> SnapshotStatus | None:
    snapshot = snapshot_for(period)
    return snapshot_compare(snapshot, figures) if snapshot else None
