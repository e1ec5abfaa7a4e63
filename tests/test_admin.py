"""The Django admin as the administrator uses it: case metadata only, assignments changed through
the assignment services (conflict checks, timeline), staff found however their names are typed,
and every page in Vietnamese."""

import datetime as dt
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation

from cases import services
from cases.models import Assignment, Case, CaseConflict, CaseEvent
from tests.conftest import REPORTER
from tests.test_i18n import read_catalogue

D = dt.date
Kind = CaseEvent.Kind


def test_case_admin_shows_metadata_but_no_content_or_identity(client, administrator, make_case):
    case = make_case(summary="Nội dung tóm tắt bí mật", accused="Người bị tố cáo X")
    client.force_login(administrator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert case.number in page
    for hidden in ("Nội dung tóm tắt bí mật", "Người bị tố cáo X", REPORTER.full_name, "fernet"):
        assert hidden not in page
    listing = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert case.number in listing
    assert "Nội dung tóm tắt bí mật" not in listing


def test_admin_offers_no_reporter_model(client, administrator):
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Người gửi đơn" not in index
    assert client.get("/admin/protection/reporter/").status_code == 404


# --- Assignments -----------------------------------------------------------------------------


@pytest.fixture
def accepted_case(make_case, head):
    case = make_case(received_on=D(2026, 3, 2))
    services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED, on=D(2026, 3, 5))
    return case


@pytest.fixture
def assigned_case(accepted_case, head, verifier):
    services.case_assign(case=accepted_case, user=verifier, by=head, on=D(2026, 3, 9), is_lead=True)
    return accepted_case


def change_form(case, rows=()):
    """What the case's change form posts: one entry per assignment row, each a dict with the
    row's `user` and, for a row that exists, its `id`; `is_lead` and `delete` tick the boxes."""
    initial = sum(1 for row in rows if row.get("id"))
    data = {
        "assignments-TOTAL_FORMS": str(len(rows)),
        "assignments-INITIAL_FORMS": str(initial),
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
        "conflicts-MIN_NUM_FORMS": "0",
        "conflicts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        prefix = f"assignments-{index}-"
        data[prefix + "case"] = str(case.pk)
        data[prefix + "id"] = str(row.get("id", ""))
        data[prefix + "user"] = str(row["user"].pk)
        if row.get("is_lead"):
            data[prefix + "is_lead"] = "on"
        if row.get("delete"):
            data[prefix + "DELETE"] = "on"
    return data


def post_change(client, case, rows):
    return client.post(reverse("admin:cases_case_change", args=[case.pk]), change_form(case, rows))


def timeline(case) -> list[tuple[str, str]]:
    """The assignment steps of the timeline: (kind, staff member)."""
    return [
        (event.kind, event.data["user"])
        for event in case.events.filter(kind__in=[Kind.ASSIGNED, Kind.UNASSIGNED]).order_by("id")
    ]


def assignees(case) -> list[tuple[str, bool]]:
    return [
        (a.user.full_name, a.is_lead)
        for a in Assignment.objects.filter(case=case).select_related("user").order_by("id")
    ]


def test_changing_the_verifier_of_a_row_in_the_admin_reassigns_the_case_on_its_timeline(
    client, administrator, assigned_case, verifier, other_verifier, head
):
    row = Assignment.objects.get(case=assigned_case)
    assert assignees(assigned_case) == [("Trần Văn Bình", True)]
    client.force_login(administrator)

    response = post_change(
        client, assigned_case, [{"id": row.pk, "user": other_verifier, "is_lead": True}]
    )

    assert response.status_code == 302
    assert assignees(assigned_case) == [("Lê Minh Châu", True)]
    assert timeline(assigned_case) == [
        (Kind.ASSIGNED, "Trần Văn Bình"),
        (Kind.UNASSIGNED, "Trần Văn Bình"),
        (Kind.ASSIGNED, "Lê Minh Châu"),
    ]
    unassigned, assigned = assigned_case.events.filter(actor=administrator).order_by("id")
    assert (unassigned.kind, assigned.kind) == (Kind.UNASSIGNED, Kind.ASSIGNED)
    assert assigned.data["lead"] is True
    # The case page shows the new verifier, and the steps on its timeline.
    client.force_login(head)
    page = client.get(reverse("cases:detail", args=[assigned_case.pk])).content.decode()
    listed = page[page.index('id="assignees"') : page.index("</ul>", page.index('id="assignees"'))]
    assert "Lê Minh Châu" in listed
    assert "Trần Văn Bình" not in listed
    history = page[page.index('id="dien-bien"') :]
    assert "Thôi phân công" in history
    assert "Lê Minh Châu (chủ trì)" in history


def test_making_an_assignee_lead_in_the_admin_goes_on_the_timeline(
    client, administrator, accepted_case, verifier, head
):
    services.case_assign(case=accepted_case, user=verifier, by=head, on=D(2026, 3, 9))
    row = Assignment.objects.get(case=accepted_case)
    client.force_login(administrator)

    response = post_change(
        client, accepted_case, [{"id": row.pk, "user": verifier, "is_lead": True}]
    )

    assert response.status_code == 302
    assert assignees(accepted_case) == [("Trần Văn Bình", True)]
    assert timeline(accepted_case)[-2:] == [
        (Kind.UNASSIGNED, "Trần Văn Bình"),
        (Kind.ASSIGNED, "Trần Văn Bình"),
    ]


def test_adding_an_assignee_in_the_admin_starts_the_verification_on_the_timeline(
    client, administrator, accepted_case, verifier
):
    assert accepted_case.status == Case.Status.ACCEPTED
    client.force_login(administrator)

    response = post_change(client, accepted_case, [{"user": verifier}])

    assert response.status_code == 302
    assert assignees(accepted_case) == [("Trần Văn Bình", False)]
    event = accepted_case.events.get(kind=Kind.ASSIGNED)
    assert event.actor == administrator
    accepted_case.refresh_from_db()
    assert accepted_case.status == Case.Status.VERIFYING


def test_removing_an_assignee_in_the_admin_unassigns_them_on_the_timeline(
    client, administrator, assigned_case, verifier
):
    row = Assignment.objects.get(case=assigned_case)
    client.force_login(administrator)

    response = post_change(
        client, assigned_case, [{"id": row.pk, "user": verifier, "delete": True}]
    )

    assert response.status_code == 302
    assert assignees(assigned_case) == []
    assert timeline(assigned_case) == [
        (Kind.ASSIGNED, "Trần Văn Bình"),
        (Kind.UNASSIGNED, "Trần Văn Bình"),
    ]
    assert assigned_case.events.get(kind=Kind.UNASSIGNED).actor == administrator


def test_the_admin_refuses_to_hand_a_case_to_someone_related_to_it_and_changes_nothing(
    client, administrator, assigned_case, verifier, other_verifier, head
):
    services.case_declare_conflict(
        case=assigned_case, user=other_verifier, reason=CaseConflict.Reason.RELATED, by=head
    )
    row = Assignment.objects.get(case=assigned_case)
    events_before = assigned_case.events.count()
    client.force_login(administrator)

    response = post_change(client, assigned_case, [{"id": row.pk, "user": other_verifier}])

    assert response.status_code == 200
    page = response.content.decode()
    assert "Không thể giao Lê Minh Châu: có quan hệ với vụ việc." in page
    assert "Vui lòng sửa lỗi dưới đây." in page
    assert "Please correct" not in page
    assert assignees(assigned_case) == [("Trần Văn Bình", True)]
    assert assigned_case.events.count() == events_before


def test_the_admin_refuses_to_add_someone_related_to_the_case(
    client, administrator, accepted_case, verifier, head
):
    services.case_declare_conflict(
        case=accepted_case, user=verifier, reason=CaseConflict.Reason.RELATED, by=head
    )
    client.force_login(administrator)

    response = post_change(client, accepted_case, [{"user": verifier}])

    assert response.status_code == 200
    assert "Không thể giao Trần Văn Bình: có quan hệ với vụ việc." in response.content.decode()
    assert assignees(accepted_case) == []
    assert not accepted_case.events.filter(kind=Kind.ASSIGNED).exists()


def test_the_admin_refuses_to_assign_someone_who_is_not_a_verifier(
    client, administrator, assigned_case, intake_officer
):
    row = Assignment.objects.get(case=assigned_case)
    client.force_login(administrator)

    response = post_change(client, assigned_case, [{"id": row.pk, "user": intake_officer}])

    assert response.status_code == 200
    assert "Nguyễn Thị Hoa không phải cán bộ xác minh." in response.content.decode()
    assert assignees(assigned_case) == [("Trần Văn Bình", True)]


def test_the_admin_refuses_to_assign_a_case_not_yet_accepted(
    client, administrator, make_case, verifier
):
    case = make_case(received_on=D(2026, 3, 2))
    client.force_login(administrator)

    response = post_change(client, case, [{"user": verifier}])

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert assignees(case) == []
    assert list(case.events.values_list("kind", flat=True)) == [Kind.RECEIVED]


# --- Finding staff ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["binh", "Bình", "BINH", "tran van binh", "van  binh"])
def test_the_user_search_finds_a_name_typed_with_or_without_diacritics(
    client, administrator, verifier, other_verifier, typed
):
    client.force_login(administrator)

    page = client.get(reverse("admin:accounts_user_changelist"), {"q": typed}).content.decode()

    assert "Trần Văn Bình" in page
    assert "Lê Minh Châu" not in page


def test_the_assignee_picker_finds_binh_when_binh_is_typed(
    client, administrator, accepted_case, verifier, other_verifier
):
    client.force_login(administrator)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "assignment", "field_name": "user", "term": "binh"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Trần Văn Bình"]


# --- Vietnamese everywhere ---------------------------------------------------------------------

ENGLISH = (
    "Show counts",
    "Hide counts",
    "Please correct",
    "Assigned by",
    "Declared by",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "historical",
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Breadcrumbs",
    "Select this object",
    "Select all objects",
    "View selected",
    "Reset password",
    "Raw passwords",
    "Password-based authentication",
    "After you’ve created a user",
    "Change history",
    "View history",
    "doesn't have a change history",
)


def visible(page: str) -> str:
    """The page without its scripts, where the admin keeps its English JavaScript strings
    (translated by its JavaScript catalogue instead)."""
    return re.sub(r"(?s)<script.*?</script>", "", page)


def english_in(page: str) -> list[str]:
    text = visible(page)
    return [phrase for phrase in ENGLISH if phrase in text]


def test_the_case_and_user_admin_pages_have_no_english_left(
    client, administrator, assigned_case, verifier, other_verifier, head
):
    services.case_declare_conflict(
        case=assigned_case, user=other_verifier, reason=CaseConflict.Reason.RELATED, by=head
    )
    client.force_login(administrator)
    row = Assignment.objects.get(case=assigned_case)
    pages = {
        "case list": reverse("admin:cases_case_changelist"),
        "case list with counts": reverse("admin:cases_case_changelist") + "?_facets=True",
        "case": reverse("admin:cases_case_change", args=[assigned_case.pk]),
        "case history": reverse("admin:cases_case_history", args=[assigned_case.pk]),
        "user list": reverse("admin:accounts_user_changelist"),
        "user list with counts": reverse("admin:accounts_user_changelist") + "?_facets=True",
        "user": reverse("admin:accounts_user_change", args=[verifier.pk]),
        "new user": reverse("admin:accounts_user_add"),
        "user's password": reverse("admin:auth_user_password_change", args=[verifier.pk]),
        "group": reverse("admin:auth_group_change", args=[verifier.groups.get().pk]),
        "index": reverse("admin:index"),
    }
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        found[name] = english_in(response.content.decode())
    refused = post_change(client, assigned_case, [{"id": row.pk, "user": other_verifier}])
    found["case with an error"] = english_in(refused.content.decode())

    assert {name: phrases for name, phrases in found.items() if phrases} == {}


def test_the_case_page_names_the_assignment_columns_in_vietnamese(
    client, administrator, assigned_case
):
    client.force_login(administrator)
    page = client.get(reverse("admin:cases_case_change", args=[assigned_case.pk])).content.decode()
    inline = page[page.index('id="assignments-group"') : page.index('id="conflicts-group"')]
    headers = [
        re.sub(r"<[^>]+>", "", header).strip()
        for header in re.findall(r'(?s)<th class="column-[^"]*"[^>]*>(.*?)</th>', inline)
    ]
    assert headers == ["Cán bộ", "Chủ trì", "Ngày giao", "Người giao"]


ADMIN_LOCALE = Path(django.__file__).parent / "contrib" / "admin" / "locale"
AUTH_LOCALE = Path(django.__file__).parent / "contrib" / "auth" / "locale"
# Messages that read the same in Vietnamese.
SAME_IN_VIETNAMESE = {"%(class_name)s %(instance)s", "Email"}


def untranslated(english_catalogue: Path, translations) -> list[str]:
    missing = []
    for entry in read_catalogue(english_catalogue)[1:]:
        if entry.msgid in SAME_IN_VIETNAMESE:
            continue
        if entry.msgid_plural is not None:
            got = (
                translations.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else translations.ngettext(entry.msgid, entry.msgid_plural, 1)
            )
        else:
            got = (
                translations.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else translations.gettext(entry.msgid)
            )
        if got == entry.msgid:
            missing.append(entry.msgid)
    return missing


def test_every_message_of_the_django_admin_has_a_vietnamese_translation():
    """Django's Vietnamese catalogues lag behind its English ones; locale/vi fills the gaps.
    A Django upgrade that adds admin messages shows up here."""
    with translation.override("vi"):
        server = translation.trans_real.translation("vi")
        missing = {
            "admin": untranslated(ADMIN_LOCALE / "en/LC_MESSAGES/django.po", server),
            "auth": untranslated(AUTH_LOCALE / "en/LC_MESSAGES/django.po", server),
            # What the admin's JavaScript catalogue view merges: the admin's and the project's.
            "admin JavaScript": untranslated(
                ADMIN_LOCALE / "en/LC_MESSAGES/djangojs.po",
                DjangoTranslation("vi", domain="djangojs", localedirs=[str(ADMIN_LOCALE)]),
            ),
        }

    assert {part: messages for part, messages in missing.items() if messages} == {}


VIETNAMESE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_vietnamese_catalogue_is_compiled_from_its_po_file_as_it_stands(domain):
    with (VIETNAMESE / f"{domain}.mo").open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)

    stale = []
    for entry in read_catalogue(VIETNAMESE / f"{domain}.po")[1:]:
        if entry.msgid_plural is not None:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.msgctxt is not None:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = compiled.gettext(entry.msgid)
        if got != entry.msgstrs[0]:
            stale.append(entry.msgid)

    assert stale == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_gnu_msgfmt_finds_the_vietnamese_catalogue_well_formed(domain):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")

    result = subprocess.run(  # noqa: S603 (a fixed command on a file of the repository)
        [msgfmt, "--check-format", "--check-header", "-o", "/dev/null", f"{domain}.po"],
        cwd=VIETNAMESE,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
