"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser: /usr/bin/chromium comes from `apt-get install chromium`. Where it is
missing the tests skip and say how to install it; CI (.ci/run) installs it, and sets
REQUIRE_BROWSER_TESTS=1 so that a missing browser fails instead of skipping.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise pytest.UsageError(
            f"REQUIRE_BROWSER_TESTS is set but {CHROMIUM} is missing: apt-get install chromium"
        )
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install chromium`"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def sign_in(live_server, page):
    """Sign in through the login form, as a person would."""
    from tests.conftest import PASSWORD

    def do(user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
        return page

    return do


@pytest.fixture
def screenshot(page):
    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def _reference_data(django_db_setup, django_db_blocker) -> str:
    """The rows the data migrations load (role groups, fields, time limits), serialized once
    before any live-server test flushes them."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _restore_reference_data(_reference_data, transactional_db):
    """Live-server tests run in a transaction-less database that is flushed after each test.
    Django's serialized_rollback would restore the migrations' rows, but it keeps them on the
    connection object of the context that created the test database, which Playwright's
    greenlet may not see; restore them here instead."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    if not Group.objects.exists():
        # The flush after the previous test re-created content types and permissions with new
        # ids; empty the tables again so the serialized rows go back with their own ids.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(_reference_data)
