"""The English interface: the language switch in the header, and a catalogue that is complete,
keeps the Vietnamese texts' placeholders, and is compiled from the .po file as it stands."""

import ast
import datetime as dt
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
CASES = reverse("cases:list")
SET_LANGUAGE = reverse("set_language")

PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]")
TAG = re.compile(r"</?\w+[^>]*>")


# --- A small .po reader (polib is not a dependency) -----------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def read_catalogue(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header included; obsolete (#~) entries are left out, as
    msgfmt leaves them out."""
    entries: list[Entry] = []
    entry, keyword = Entry(), ""

    def add(keyword: str, text: str) -> None:
        if keyword.startswith("msgstr"):
            index = int(keyword[len("msgstr[") : -1]) if "[" in keyword else 0
            entry.msgstrs[index] = entry.msgstrs.get(index, "") + text
        else:
            setattr(entry, keyword, (getattr(entry, keyword) or "") + text)

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.msgstrs:
                entries.append(entry)
            entry, keyword = Entry(), ""
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            add(keyword, ast.literal_eval(line))
        else:
            keyword, text = line.split(" ", 1)
            add(keyword, ast.literal_eval(text))
    return entries


def messages() -> list[Entry]:
    return [entry for entry in read_catalogue(CATALOGUE) if entry.msgid]


def sources(entry: Entry) -> dict[int, str]:
    """The Vietnamese text each translated form stands for: msgid for the singular, the plural
    text for the others."""
    return {
        index: entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
        for index in entry.msgstrs
    }


# --- Switching the interface to English ------------------------------------------------------


def switch_to_english(client, next_url: str = CASES):
    """What the header's language form posts."""
    response = client.post(SET_LANGUAGE, {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_a_signed_in_user_who_switches_to_english_sees_the_menu_and_the_case_list_in_english(
    client, make_case, head
):
    case = make_case(received_on=dt.date(2026, 3, 2))
    client.force_login(head)
    before = client.get(CASES).content.decode()
    assert "Tiếp nhận đơn" in before
    assert "Register petition" not in before

    switch_to_english(client)

    page = client.get(CASES).content.decode()
    assert '<html lang="en">' in page
    menu = page[page.index('class="mainnav"') : page.index("</nav>")]
    for label in ("Overview", "Cases", "Register petition", "Citizen reception", "Reports"):
        assert f">{label}</a>" in menu
    for vietnamese in ("Tổng quan", "Tiếp nhận đơn", "Tiếp công dân", "Báo cáo", "Vụ việc"):
        assert vietnamese not in page
    assert ">1 case</p>" in page
    row = page[page.index(f">{case.number}</a>") : page.index("</tr>", page.index(case.number))]
    assert "Denunciation" in row
    assert "Awaiting handling" in row
    # Dates stay day first in English: received on 2 March 2026.
    assert "02/03/2026" in row
    assert "03/02/2026" not in page
    assert "March" not in page


def test_the_case_page_in_english_names_the_steps_and_keeps_dates_day_first(
    client, make_case, head
):
    case = make_case(received_on=dt.date(2026, 3, 2))
    client.force_login(head)
    switch_to_english(client)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert f"Petition {case.number}" in page
    assert "Next step" in page
    assert "Timeline" in page
    assert "Register petition" in page  # the first step on the timeline
    assert '<span class="when">02/03/2026</span>' in page
    assert "Bước tiếp theo" not in page
    assert "Diễn biến" not in page


def test_in_english_a_typed_date_is_still_read_day_first(client, make_case, head):
    second_of_march = make_case(received_on=dt.date(2026, 3, 2))
    third_of_february = make_case(received_on=dt.date(2026, 2, 3))
    client.force_login(head)
    switch_to_english(client)

    page = client.get(
        CASES, {"received_from": "02/03/2026", "received_to": "02/03/2026"}
    ).content.decode()

    assert f">{second_of_march.number}</a>" in page
    assert f">{third_of_february.number}</a>" not in page


def test_the_interface_is_vietnamese_again_after_switching_back(client, head):
    client.force_login(head)
    switch_to_english(client)
    assert "Register petition" in client.get(CASES).content.decode()

    client.post(SET_LANGUAGE, {"language": "vi", "next": CASES})

    page = client.get(CASES).content.decode()
    assert '<html lang="vi">' in page
    assert "Tiếp nhận đơn" in page
    assert "Register petition" not in page


# --- The catalogue ---------------------------------------------------------------------------


def test_every_message_of_the_english_catalogue_is_translated_and_none_is_fuzzy():
    entries = read_catalogue(CATALOGUE)
    assert len(entries) > 1  # the header and at least one message

    untranslated = [
        entry.msgid
        for entry in entries[1:]
        if not entry.msgstrs or not all(text.strip() for text in entry.msgstrs.values())
    ]
    fuzzy = [entry.msgid or "(header)" for entry in entries if "fuzzy" in entry.flags]
    plurals_missing_a_form = [
        entry.msgid for entry in entries if entry.msgid_plural and sorted(entry.msgstrs) != [0, 1]
    ]

    assert untranslated == []
    assert fuzzy == []
    assert plurals_missing_a_form == []


def test_translations_keep_the_placeholders_tags_and_edge_spaces_of_the_vietnamese_text():
    """A lost `%(name)s` shows the reader a gap; an extra one raises KeyError at runtime."""
    broken = []
    for entry in messages():
        for index, source in sources(entry).items():
            text = entry.msgstrs[index]
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                broken.append(("placeholders", source, text))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                broken.append(("HTML tags", source, text))
            if (source[: len(source) - len(source.lstrip())], source[len(source.rstrip()) :]) != (
                text[: len(text) - len(text.lstrip())],
                text[len(text.rstrip()) :],
            ):
                broken.append(("leading or trailing spaces", source, text))

    assert broken == []


def test_the_compiled_catalogue_holds_the_translations_of_the_po_file_as_it_stands():
    """The .mo Django reads must come from this .po: regenerate it with `make messages`."""
    with COMPILED.open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)

    stale = []
    for entry in messages():
        for index, expected in entry.msgstrs.items():
            if entry.msgid_plural is None:
                got = (
                    compiled.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt is not None
                    else compiled.gettext(entry.msgid)
                )
            else:
                count = 1 if index == 0 else 2
                got = (
                    compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
                    if entry.msgctxt is not None
                    else compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                )
            if got != expected:
                stale.append((entry.msgid, expected, got))

    assert stale == []


def test_gnu_msgfmt_finds_the_catalogue_well_formed():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")

    result = subprocess.run(  # noqa: S603 (a fixed command on a file of the repository)
        [msgfmt, "--check-format", "--check-header", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
