"""Intake's box on the case page: possible duplicates, registered through the kernel's
interface (cases.extensions) from IntakeConfig.ready()."""

from cases import extensions
from cases.access import cases_visible_to
from cases.models import Case
from intake.selectors import possible_duplicates_of_case


def duplicate_hints(request, case: Case, actions):
    if not actions.see_possible_duplicates:
        return None
    hints = possible_duplicates_of_case(case)
    if not hints:
        return None
    # A case the user may not open is not named: its number would tell who else filed it.
    visible = set(
        cases_visible_to(request.user)
        .filter(pk__in=[hint.case_id for hint in hints])
        .values_list("pk", flat=True)
    )
    return [(hint, hint.case_id in visible) for hint in hints]


def register() -> None:
    extensions.register_case_panel(
        extensions.CasePanel("top", "intake/_duplicate_hints.html", duplicate_hints)
    )
