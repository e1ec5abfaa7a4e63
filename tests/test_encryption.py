import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from protection.crypto import DecryptionError
from protection.models import Reporter
from protection.selectors import reporters_matching
from protection.services import ReporterData
from tests.conftest import REPORTER


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


def test_identity_is_stored_as_ciphertext_in_main_and_history_tables(make_case):
    make_case()
    for table in ("protection_reporter", "protection_historicalreporter"):
        dump = raw_rows(table)
        assert "Marker-Secret" not in dump
        assert "096123456789" not in dump
        assert "912 345 678" not in dump
    reporter = Reporter.objects.get()
    assert reporter.full_name == REPORTER.full_name


def test_lookups_on_encrypted_fields_raise(make_case):
    make_case()
    with pytest.raises(FieldError, match="encrypted"):
        Reporter.objects.filter(full_name=REPORTER.full_name).exists()
    with pytest.raises(FieldError, match="encrypted"):
        Reporter.objects.filter(phone__contains="0912").exists()
    assert Reporter.objects.filter(email__isnull=False).count() == 1


def test_duplicates_are_found_through_the_blind_index(make_case):
    case = make_case()
    typed_differently = ReporterData(full_name="x", phone="0912.345.678")
    assert list(reporters_matching(typed_differently).values_list("case_id", flat=True)) == [
        case.pk
    ]


def test_dumpdata_emits_ciphertext_and_loaddata_restores_it(make_case, tmp_path):
    make_case()
    output = tmp_path / "dump.json"
    call_command("dumpdata", "protection.reporter", output=str(output))
    text = output.read_text()
    assert "Marker-Secret" not in text
    fields = json.loads(text)[0]["fields"]
    assert fields["full_name"].startswith("fernet:")
    Reporter.objects.all().delete()
    call_command("loaddata", str(output), verbosity=0)
    assert Reporter.objects.get().full_name == REPORTER.full_name


def test_value_no_key_decrypts_raises_an_error_naming_the_field(make_case, settings):
    make_case()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError, match=r"protection\.Reporter\.full_name"):
        Reporter.objects.get()


def test_old_key_still_decrypts_after_a_new_key_is_put_first(make_case, settings):
    make_case()
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    assert Reporter.objects.get().full_name == REPORTER.full_name


def test_pseudonym_is_what_the_reporter_prints_as(make_case):
    make_case()
    reporter = Reporter.objects.get()
    assert str(reporter) == "Người tố cáo A"
