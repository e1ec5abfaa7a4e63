"""What the kernel asks of the apps above it, and how they answer.

`cases` imports no other app of the project (import-linter checks it). Where the kernel needs
something only an upper app knows, that app registers it here from its `AppConfig.ready()`:

- the identity vault (`protection`) says how reporters are shown (pseudonyms), who may see
  what identifies them, and logs the opening of identifying evidence;
- any app adds panels to the case page (the identity and protection boxes, duplicate hints);
- any app follows the timeline: the report read model is kept in step this way, by the one
  function that writes timeline events (`cases.services.events_write`).

See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cases.access import CaseActions
    from cases.models import Case, CaseEvent


@dataclass(frozen=True)
class ShownReporter:
    """A reporter as the case page shows them to anyone: a pseudonym, never a name."""

    pseudonym: str
    is_representative: bool


class IdentityVault(Protocol):
    def reporters_shown(self, case: Case) -> list[ShownReporter]: ...

    def may_see_identity(self, user, case: Case) -> bool: ...

    def evidence_open(
        self,
        *,
        case: Case,
        by,
        evidence_id: int,
        reason: str,
        ip_address: str | None,
        user_agent: str,
    ) -> None:
        """Log the opening of evidence that identifies a reporter; refuse with a
        ValidationError when it may not be opened."""


@dataclass(frozen=True)
class CasePanel:
    """A box an upper app adds to the case page.

    `slot` says where: "top" (above the case's summary, for warnings), "reporters" (under the
    reporters' pseudonyms), "people" (after the reporters and verifiers). `context` returns the
    template's `panel` variable, or None to leave the box out; the template also sees the page's
    context (`case`, `request`, `perms`, `actions`).
    """

    slot: str
    template: str
    context: Callable[[HttpRequest, Case, CaseActions], Any]
    order: int = 0


# Called with the events just written (each carries its case), in the writing transaction.
TimelineListener = Callable[[Sequence["CaseEvent"]], None]


_vault: IdentityVault | None = None
_panels: list[CasePanel] = []
_timeline_listeners: list[TimelineListener] = []


def register_identity_vault(vault: IdentityVault) -> None:
    global _vault
    _vault = vault


def identity_vault() -> IdentityVault:
    if _vault is None:
        raise ImproperlyConfigured("No identity vault registered: is 'protection' installed?")
    return _vault


def register_case_panel(panel: CasePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda item: item.order)


def case_panels() -> list[CasePanel]:
    return list(_panels)


def register_timeline_listener(listener: TimelineListener) -> None:
    if listener not in _timeline_listeners:
        _timeline_listeners.append(listener)


def timeline_written(events: Sequence[CaseEvent]) -> None:
    for listener in _timeline_listeners:
        listener(events)
