"""No path out of the application carries a reporter's identity, except the reveal screens of
authorised users.

One test seeds reporters and protected persons whose identities carry unique markers, then
drives every URL pattern the resolver knows (so screens added later are covered without
touching this file), every export command, `dumpdata` and the admin, as each role; and scans
every response (body, headers, cookies, files inside XLSX/ZIP), every table of the raw
database (sessions decoded), every log record and every e-mail. The reveal responses of
authorised users must contain the markers (which proves the scan can see them); nothing else
may. A discovered URL that cannot be exercised fails the test, naming it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from itertools import product

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cases import services as case_services
from cases.models import CalendarOverride, Case, TimeLimitRule
from intake import services as intake_services
from protection import services
from protection.models import ProtectionRequest
from protection.services import MeasureData, PersonData, ReporterData
from tests.conftest import PASSWORD

# Text markers: any of them, in any letter case, anywhere, is a leak. Digit markers are
# checked as typed and as digits only (how a normaliser would print them).
FIRST = ReporterData(
    full_name="Phạm Thị Qzxleakname-Một",
    id_number="031 987 654 321",
    phone="0977 31 41 59",
    address="Số 9 ngõ Qzxleakaddr, phường 5, thành phố Cà Mau",
    email="qzxleakmail@example.vn",
)
SECOND = ReporterData(
    full_name="Lê Văn Qzxleakname-Hai",
    id_number="079 246 813 579",
    phone="0918 27 18 28",
    address="Ấp Qzxleakaddr-Hai",
)
CORRECTED_PHONE = "0977 31 41 60"
SPOUSE = PersonData(
    relation="spouse",
    full_name="Trần Thị Qzxleakspouse",
    id_number="0229 1122 3344",
    phone="0966 14 14 21",
    address="Số 3 hẻm Qzxleakspaddr",
)
TEXT_MARKER = "qzxleak"
DIGIT_MARKERS = [
    value
    for person in (FIRST, SECOND, SPOUSE)
    for value in (person.id_number, person.phone)
    if value
] + [CORRECTED_PHONE]


def markers_in(text: str) -> list[str]:
    found = []
    folded = text.casefold()
    if TEXT_MARKER in folded:
        at = folded.index(TEXT_MARKER)
        found.append(text[max(0, at - 30) : at + 40])
    for marker in DIGIT_MARKERS:
        for form in {marker, re.sub(r"\D", "", marker)}:
            if form in text:
                found.append(form)
    return found


def readable(content: bytes) -> str:
    """Bytes as text, with every member of a ZIP (XLSX, DOCX) unpacked."""
    text = content.decode("utf-8", "replace")
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text += "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return text


def test_the_scanner_finds_markers_in_xlsx_and_in_digits_only_form():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Qzxleakname"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert markers_in(readable(buffer.getvalue()))
    assert markers_in("0977314159")
    assert not markers_in("Người tố cáo A · 2026-0001")


# --- The world ----------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    main: Case  # registered by the intake officer; the verifier holds a grant on it
    other: Case
    protection_request: ProtectionRequest
    authorised: dict = field(default_factory=dict)  # role → the case they may reveal


@pytest.fixture
def world(
    make_case, intake_officer, verifier, head, auditor, administrator, other_officer
) -> World:
    today = timezone.localdate()
    main = make_case(reporters=[FIRST, SECOND], received_on=today - dt.timedelta(days=20))
    case_services.case_decide(case=main, by=head, decision=Case.Decision.ACCEPTED)
    main.refresh_from_db()
    case_services.case_assign(case=main, user=verifier, by=head)
    case_services.evidence_add(
        case=main,
        by=verifier,
        upload=SimpleUploadedFile("bien-ban.txt", "Biên bản làm việc".encode(), "text/plain"),
        description="Biên bản làm việc với người bị tố cáo",
    )
    case_services.case_note_add(case=main, by=verifier, text="Đã làm việc với bên bị tố cáo.")
    first = main.reporters.get(position=1)
    # A typo fixed: the history table now holds the old and the new phone, both encrypted.
    services.reporter_correct(
        reporter=first,
        by=intake_officer,
        data=ReporterData(
            full_name=FIRST.full_name,
            id_number=FIRST.id_number,
            phone=CORRECTED_PHONE,
            address=FIRST.address,
            email=FIRST.email,
        ),
        reason="Nhập sai số điện thoại",
    )
    protection_request = services.protection_request_record(
        case=main,
        by=intake_officer,
        received_on=today - dt.timedelta(days=10),
        channel=ProtectionRequest.Channel.PHONE_EMERGENCY,
        reason="Bị đe dọa sau khi tố cáo",
        requested_measures=["life_health", "secrecy"],
        persons=[
            PersonData(relation="reporter", reporter=first),
            PersonData(
                relation=SPOUSE.relation,
                reporter=first,
                full_name=SPOUSE.full_name,
                id_number=SPOUSE.id_number,
                phone=SPOUSE.phone,
                address=SPOUSE.address,
            ),
        ],
    )
    services.protection_decide(
        request=protection_request,
        by=head,
        grant=True,
        decided_on=today - dt.timedelta(days=9),
        document_number="15/QĐ-TTr",
        measures=[MeasureData("life_health", "Công an phường 5", today - dt.timedelta(days=9))],
    )
    services.retaliation_report_record(
        case=main,
        by=intake_officer,
        reported_on=today - dt.timedelta(days=3),
        description="Bị gây khó khăn khi làm thủ tục",
        protection_request=protection_request,
    )
    grant = services.identity_access_request(
        case=main, by=verifier, reason="Cần đối chất về tài liệu đã nộp"
    )
    services.identity_access_decide(access_request=grant, by=head, grant=True, reason="Đồng ý")
    other = make_case(
        reporters=[ReporterData(full_name="Người khác", phone="0900 000 001")],
        by=other_officer,
        kind=Case.Kind.RECOMMENDATION,
    )
    session = intake_services.reception_session_create(
        by=intake_officer, held_on=today - dt.timedelta(days=2), kind="regular"
    )
    intake_services.reception_visit_add(session=session, subject="denunciation", people_count=2)
    # Rows for the admin pages that would otherwise have nothing to show: a calendar
    # override, a changed time-limit rule (its history), and a failed sign-in (axes).
    CalendarOverride.objects.create(day=today + dt.timedelta(days=30), kind="day_off")
    TimeLimitRule.objects.order_by("pk").first().save()
    Client().post("/accounts/login/", {"username": other_officer.username, "password": "sai"})
    # The failure log is off in settings (AXES_ENABLE_ACCESS_FAILURE_LOG), its admin is not.
    AccessFailureLog.objects.create(
        username=other_officer.username, ip_address="127.0.0.1", path_info="/accounts/login/"
    )
    users = {
        "intake officer": intake_officer,
        "verifier": verifier,
        "head": head,
        "auditor": auditor,
        "administrator": administrator,
    }
    return World(
        users=users,
        main=main,
        other=other,
        protection_request=protection_request,
        authorised={"intake officer": main, "verifier": main, "head": main},
    )


# --- Driving every URL --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    parts: tuple  # the chain of pattern objects, outermost first

    @property
    def template(self) -> str:
        return "".join(str(p) for p in self.parts)


def routes(resolver=None, parts=(), namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from routes(
                entry, (*parts, entry.pattern), f"{namespace}:{ns}".strip(":") if ns else namespace
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else f"{namespace}:-"
            yield Route(name, (*parts, entry.pattern))


GROUP = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\((?:\?P<(?P<rname>\w+)>)?[^()]*\)")


def slots(route: Route) -> list[str]:
    """The variable parts of a route in order; positional regex groups come back as "#n"."""
    names = []
    for match in GROUP.finditer(route.template):
        names.append(match["name"] or match["rname"] or f"#{len(names)}")
    return names


def build(route: Route, values: list[str]) -> str:
    remaining = iter(values)
    path = GROUP.sub(lambda _m: str(next(remaining)), route.template)
    return "/" + path.replace("^", "").replace("$", "")


def admin_model(route: Route):
    match = re.match(r"admin/(\w+)/(\w+)/", route.template)
    if match:
        try:
            return apps.get_model(match[1], match[2])
        except LookupError:
            return None
    return None


def pks(model, limit=3) -> list:
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:limit])


def seeded_models():
    """Every concrete model with rows (history tables aside): what a `pk` may point at."""
    for model in apps.get_models():
        if model._meta.proxy or model.__name__.startswith("Historical"):
            continue
        if model._default_manager.exists():
            yield model


def candidates(route: Route, world: World) -> list[list]:
    """Every combination of values worth trying for the route's variable parts."""
    names = slots(route)
    if not names:
        return [[]]
    model = admin_model(route)
    if route.name == "admin:view_on_site":
        return [[ContentType.objects.get_for_model(Case).pk, world.main.pk]]
    if route.name == "admin:app_list":
        return [[label] for label in sorted({m._meta.app_label for m in admin.site._registry})]
    if route.name.endswith("_simple_history") and model is not None:
        record = model.history.order_by("history_id").first()
        return [[record.id, record.history_id]] if record else []
    if names == ["url"]:
        return [["cases"]]
    if model is not None and names in (["object_id"], ["id"]):
        return [[pk] for pk in pks(model)]
    options = []
    for name in names:
        if name in ("fmt", "format"):
            options.append(["csv", "xlsx", "json", "text"])
        elif name == "case_pk" or (name == "pk" and len(names) > 1 and names[0] == name):
            options.append([world.main.pk, world.other.pk])
        elif name.endswith(("pk", "_id")) or name == "id":
            options.append(None)  # any seeded object: filled below
        else:
            raise AssertionError(f"{route.name} ({route.template}): no value for <{name}>")
    if None in options:
        # A case and something that belongs to it (case_pk + reporter_pk, pk + evidence_pk).
        if len(names) == 2 and options[0] is not None:
            pairs = []
            for seeded in seeded_models():
                if any(f.name == "case" for f in seeded._meta.fields):
                    for case_id, pk in seeded._default_manager.values_list("case_id", "pk")[:3]:
                        pairs.append([case_id, pk])
            return pairs
        pool = sorted(
            {pk for seeded in seeded_models() for pk in pks(seeded) if isinstance(pk, int)}
        )
        options = [opt if opt is not None else pool for opt in options]
    return [list(combo) for combo in product(*options)]


@dataclass
class Scan:
    leaks: list = field(default_factory=list)
    allowed: list = field(default_factory=list)
    exercised: dict = field(default_factory=dict)

    def response(self, where: str, response, *, may_show: bool = False) -> None:
        content = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
        text = readable(content)
        text += " ".join(f"{k}: {v}" for k, v in response.items())
        for morsel in response.cookies.values():
            text += f" {morsel.key}={morsel.value}"
            if morsel.key == "messages" and morsel.value:
                storage = CookieStorage(None)
                text += repr(storage._decode(morsel.value))
        found = markers_in(text)
        if may_show:
            self.allowed.append((where, found))
        elif found:
            self.leaks.append((where, found))

    def text(self, where: str, text: str) -> None:
        found = markers_in(text)
        if found:
            self.leaks.append((where, found))


def drive_routes(world: World, scan: Scan) -> None:
    clients = {}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    skipped = {"admin:logout", "logout"}  # POST-only sign-out (a GET is 405; nothing to show)
    for route in routes():
        if route.name in skipped:
            scan.exercised[route.name] = "POST only"
            continue
        for values, (role, client) in product(candidates(route, world), clients.items()):
            url = build(route, values)
            response = client.get(url)
            scan.response(f"GET {url} as {role}", response)
            if response.status_code < 400 or response.status_code == 405:
                scan.exercised.setdefault(route.template, f"{response.status_code} as {role}")
            if response.status_code == 200 and not values:
                for fmt in ("csv", "xlsx", "json"):
                    exported = client.get(url, {"format": fmt})
                    scan.response(f"GET {url}?format={fmt} as {role}", exported)
        if route.template not in scan.exercised:
            scan.exercised[route.template] = None


def reveal_everything(world: World, scan: Scan) -> None:
    """Each role asks to see the identity of the main case; only the authorised ones may."""
    fields = ["full_name", "id_number", "phone", "address", "email"]
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        url = f"/protection/cases/{world.main.pk}/identity/"
        form = client.get(url)
        scan.response(f"GET {url} as {role}", form)
        token = form.context["form"].initial["token"] if form.status_code == 200 else "x"
        data = {"token": token, "reason": "Kiểm tra rò rỉ danh tính", "fields_shown": fields}
        response = client.post(url, data)
        authorised = role in world.authorised
        scan.response(f"POST {url} as {role}", response, may_show=authorised)
        again = client.post(url, data)  # a reload: nothing again
        scan.response(f"POST {url} again as {role}", again)
        reporter = world.main.reporters.get(position=1)
        correct = f"/protection/cases/{world.main.pk}/reporters/{reporter.pk}/correct/"
        page = client.get(correct)
        scan.response(f"GET {correct} as {role}", page)
        if page.status_code == 200:
            token = page.context["form"].initial["token"]
            opened = client.post(
                correct, {"step": "open", "token": token, "reason": "Kiểm tra đính chính"}
            )
            allowed = role in ("intake officer", "head")
            scan.response(f"POST {correct} as {role}", opened, may_show=allowed)


def run_exports(scan: Scan, tmp_path) -> list[str]:
    ran = []
    commands = get_commands()
    today = timezone.localdate()
    start, end = (today - dt.timedelta(days=400)).isoformat(), today.isoformat()
    jobs = []
    if "export_cases" in commands:
        jobs += [("export_cases", ["--format", fmt]) for fmt in ("csv", "xlsx", "json")]
    if "report" in commands:
        jobs += [
            ("report", ["--start", start, "--end", end, "--format", fmt])
            for fmt in ("json", "xlsx", "csv", "text")
        ]
    for number, (command, args) in enumerate(jobs):
        target = tmp_path / f"export-{number}"
        out, err = io.StringIO(), io.StringIO()
        call_command(command, *args, "--output", str(target), stdout=out, stderr=err)
        scan.text(f"{command} {' '.join(args)}", readable(target.read_bytes()))
        scan.text(f"{command} output", out.getvalue() + err.getvalue())
        ran.append(f"{command} {' '.join(args)}")
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    scan.text("dumpdata", dump.getvalue())
    assert "fernet:" in dump.getvalue()  # the identities are there, as ciphertext
    return ran


def scan_database(scan: Scan) -> int:
    tables = connection.introspection.table_names()
    quote = connection.ops.quote_name
    for table in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            rows = cursor.fetchall()
        parts = []
        for row in rows:
            for value in row:
                if isinstance(value, memoryview | bytes | bytearray):
                    parts.append(bytes(value).decode("utf-8", "replace"))
                else:
                    parts.append(str(value))
        if table == "django_session":
            with connection.cursor() as cursor:
                cursor.execute("SELECT session_data FROM django_session")
                for (data,) in cursor.fetchall():
                    parts.append(repr(SessionStore().decode(data)))
        scan.text(f"table {table}", " ".join(parts))
    return len(tables)


def test_no_identity_leaves_the_application_except_on_authorised_reveals(
    world, caplog, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.security", "django.db.backends", "axes", "django"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # SQL and its parameters go to the log too
    scan = Scan()
    try:
        # A real sign-in, so the sign-in records (axes, last_login, session) exist too.
        signing_in = Client()
        response = signing_in.post(
            "/accounts/login/", {"username": world.users["verifier"].username, "password": PASSWORD}
        )
        assert response.status_code == 302
        # An administrator's change in the admin, so its log (django_admin_log) has a row.
        admin_client = Client()
        admin_client.force_login(world.users["administrator"])
        added = admin_client.post(
            "/admin/cases/calendaroverride/add/",
            {"day": "2030-01-02", "kind": "working_day", "note": "Làm bù"},
        )
        assert added.status_code == 302
        reveal_everything(world, scan)
        drive_routes(world, scan)
        exports = run_exports(scan, tmp_path)
    finally:
        connection.force_debug_cursor = False
    tables = scan_database(scan)
    for record in caplog.records:
        scan.text(f"log {record.name}", record.getMessage() + (record.exc_text or ""))
    for message in mail.outbox:
        scan.text(f"mail {message.subject}", message.subject + message.body)

    unexercised = sorted(t for t, how in scan.exercised.items() if how is None)
    assert not unexercised, f"URL patterns no role could open with any seeded object: {unexercised}"
    assert not scan.leaks, "identity markers found outside authorised reveals:\n" + "\n".join(
        f"  {where}: {found}" for where, found in scan.leaks[:30]
    )
    # The scan does see identities: every authorised reveal showed them.
    assert scan.allowed and all(found for _where, found in scan.allowed), scan.allowed
    assert len(scan.exercised) > 50 and tables > 20
    assert LogEntry.objects.exists()
    print(f"exercised {len(scan.exercised)} URL patterns; exports: {exports}")


def test_the_unauthorised_cannot_reveal_even_by_posting(world):
    for role in ("auditor", "administrator"):
        client = Client()
        client.force_login(world.users[role])
        response = client.post(
            f"/protection/cases/{world.main.pk}/identity/",
            {"token": "x", "reason": "Kiểm tra rò rỉ danh tính", "fields_shown": ["full_name"]},
        )
        assert response.status_code in (403, 404)
        assert not markers_in(response.content.decode())
