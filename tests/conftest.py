import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from cases.models import Case, Field
from intake import services as intake_services
from protection.services import ReporterData

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed to
# run beside it there (the live server itself runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"

# The suite's "now": a Wednesday morning in Hanoi's time zone. Every test but the browser ones runs
# with the clock pinned here (and ticking), so no figure or due date depends on the real date; CI
# runs the suite again with the process clock 450 days ahead to prove it. A test that needs
# another day moves the clock itself (`time_machine.move_to`) or passes the date in.
# Browser tests keep the real clock: Chromium has its own, and would drop cookies whose expiry
# the pinned server computed in its past. They pass every date they use.
PINNED_NOW = dt.datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _pinned_clock(request):
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(username: str, role: roles.Role | None = None, **extra):
        user = get_user_model().objects.create_user(
            username=username,
            password=PASSWORD,
            full_name=extra.pop("full_name", username.title()),
            is_staff=role.is_staff if role else False,
            **extra,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role.group_name))
        return get_user_model().objects.get(pk=user.pk)

    return make


@pytest.fixture
def intake_officer(make_user):
    return make_user("hoa", roles.INTAKE, full_name="Nguyễn Thị Hoa")


@pytest.fixture
def other_officer(make_user):
    return make_user("lan", roles.INTAKE, full_name="Trần Thị Lan")


@pytest.fixture
def verifier(make_user):
    return make_user("binh", roles.VERIFIER, full_name="Trần Văn Bình")


@pytest.fixture
def other_verifier(make_user):
    return make_user("chau", roles.VERIFIER, full_name="Lê Minh Châu")


@pytest.fixture
def head(make_user):
    return make_user("dung", roles.HEAD, full_name="Phạm Quốc Dũng")


@pytest.fixture
def auditor(make_user):
    return make_user("ha", roles.AUDITOR, full_name="Hoàng Thu Hà")


@pytest.fixture
def administrator(make_user):
    return make_user("giang", roles.ADMINISTRATOR, full_name="Đỗ Văn Giang")


@pytest.fixture
def outsider(make_user):
    return make_user("charlie", None, full_name="Người ngoài")


@pytest.fixture
def field(db):
    return Field.objects.get(code="social_network")


REPORTER = ReporterData(
    full_name="Võ Thị Marker-Secret",
    id_number="096123456789",
    phone="0912 345 678",
    address="Số 12 đường Lý Thường Kiệt, phường 5, thành phố Cà Mau",
    email="marker@example.vn",
)


@pytest.fixture
def make_case(db, intake_officer, field):
    """Register a petition through the intake service, as an officer would."""

    def make(
        *,
        kind: str = Case.Kind.DENUNCIATION,
        received_on: dt.date | None = None,
        reporters: list[ReporterData] | None = None,
        anonymous: bool = False,
        by=None,
        summary: str = "Tài khoản mạng xã hội đăng tin xúc phạm",
        accused: str = "Chủ tài khoản “Tin nóng”",
        channel: str = Case.Channel.POST,
        **options,
    ) -> Case:
        if reporters is None:
            reporters = [] if anonymous else [REPORTER]
        (case,) = intake_services.petition_register(
            by=by or intake_officer,
            channel=channel,
            received_on=received_on or dt.date(2026, 3, 2),
            contents=[
                intake_services.ContentData(
                    kind=kind, field=field, summary=summary, accused=accused
                )
            ],
            reporters=reporters,
            anonymous=anonymous,
            **options,
        )
        return case

    return make
