import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.startup import check_production_secrets

ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "secret_key": "q8T" * 20,
    "field_encryption_keys": [Fernet.generate_key().decode()],
    "blind_index_key": "bK7" * 16,
}


def start_django(**env):
    """Start Django in a fresh process with only the given environment (no .env file)."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_READ_DOT_ENV": "0",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secrets():
    result = start_django(DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr
    assert "FIELD_ENCRYPTION_KEYS is missing" in result.stderr
    assert "BLIND_INDEX_KEY is missing" in result.stderr


def test_production_starts_with_real_secrets():
    result = start_django(
        DEBUG="False",
        SECRET_KEY=GOOD["secret_key"],
        FIELD_ENCRYPTION_KEYS=GOOD["field_encryption_keys"][0],
        BLIND_INDEX_KEY=GOOD["blind_index_key"],
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_secret_key_is_refused_in_production():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is a development value"):
        check_production_secrets(**{**GOOD, "secret_key": "django-insecure-" + "x" * 50})


def test_example_values_are_refused_in_production():
    with pytest.raises(ImproperlyConfigured) as error:
        check_production_secrets(
            secret_key="change-me", field_encryption_keys=["change-me"], blind_index_key="change-me"
        )
    message = str(error.value)
    assert "FIELD_ENCRYPTION_KEYS key #1 is not a Fernet key" in message
    assert "BLIND_INDEX_KEY is a development value" in message


def test_blind_index_key_must_differ_from_secret_key():
    with pytest.raises(ImproperlyConfigured, match="must differ"):
        check_production_secrets(**{**GOOD, "blind_index_key": GOOD["secret_key"]})


def test_good_secrets_pass():
    check_production_secrets(**GOOD)
