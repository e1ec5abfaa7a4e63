import json
import unicodedata

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from core.crypto import DecryptionError, blind_index_of
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


# --- Every lookup, every field, every table ---------------------------------------------------


def encrypted_fields():
    from django.apps import apps

    from core.fields import EncryptedMixin

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedMixin):
                yield model, field


def test_every_lookup_but_isnull_raises_on_every_encrypted_field(db):
    fields = list(encrypted_fields())
    assert {(m._meta.label, f.name) for m, f in fields} >= {
        ("protection.Reporter", "full_name"),
        ("protection.HistoricalReporter", "phone"),
        ("protection.ProtectedPerson", "address"),
        ("cases.Evidence", "content"),
    }
    for model, field in fields:
        base = type(field).__mro__[2]  # TextField or BinaryField
        for lookup in base.get_class_lookups():
            if lookup == "isnull":
                continue
            with pytest.raises(FieldError, match=f"{model._meta.label}.{field.name}"):
                model.objects.filter(**{f"{field.name}__{lookup}": "x"}).exists()
        assert model.objects.filter(**{f"{field.name}__isnull": True}).count() == 0


def test_transforms_and_ordering_tricks_on_encrypted_fields_raise(make_case):
    make_case()
    with pytest.raises(FieldError):
        Reporter.objects.filter(full_name__lower="x").exists()
    with pytest.raises(FieldError):
        Reporter.objects.filter(full_name__unaccent__icontains="x").exists()


def test_evidence_bytes_are_ciphertext_in_the_table_and_in_dumps(make_case, head, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services as case_services
    from cases.models import Evidence

    case = make_case()
    case_services.evidence_add(
        case=case,
        by=head,
        upload=SimpleUploadedFile("don.txt", "Chữ ký Marker-Secret".encode(), "text/plain"),
        description="Đơn gốc",
    )
    assert "Marker-Secret" not in raw_rows("cases_evidence")
    output = tmp_path / "evidence.json"
    call_command("dumpdata", "cases.evidence", output=str(output))
    dumped = json.loads(output.read_text())[0]["fields"]["content"]
    assert dumped.startswith("fernet:") and "Marker" not in output.read_text()
    Evidence.objects.all().delete()
    call_command("loaddata", str(output), verbosity=0)
    assert Evidence.objects.get().content == "Chữ ký Marker-Secret".encode()


def test_a_value_no_key_decrypts_names_its_field_and_never_shows_the_ciphertext(
    make_case, settings
):
    make_case()
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM protection_historicalreporter")
        token = cursor.fetchone()[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError) as raised:
        list(Reporter.history.all())
    message = str(raised.value)
    assert "protection.HistoricalReporter.full_name" in message
    assert token not in message and token[:20] not in message


# --- The blind index ----------------------------------------------------------------------


def index_name(value: str) -> str:
    return blind_index_of(value, purpose="name")


def index_id_number(value: str) -> str:
    return blind_index_of(value, purpose="id_number")


def index_phone(value: str) -> str:
    return blind_index_of(value, purpose="phone")


def test_names_match_whatever_the_unicode_form_case_and_spacing():
    composed = "Nguyễn Văn An"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert (
        index_name(composed)
        == index_name(decomposed)
        == index_name("  NGUYỄN   văn\u00a0AN ")
        == index_name("nguyễn văn an")
    )
    assert index_name("Nguyễn Văn Ân") != index_name(composed)  # diacritics still count


def test_phones_and_id_numbers_match_on_digits_alone():
    assert index_phone("0912 345 678") == index_phone("0912.345.678") == index_phone("0912345678")
    assert (
        index_phone("+84 912 345 678")
        == index_phone("0084912345678")
        == index_phone("0912-345-678")
    )
    assert index_phone("０９１２３４５６７８") == index_phone("0912345678")  # full-width digits
    assert index_id_number("096 123 456 789") == index_id_number("096123456789")
    # The same digits as a phone and as an ID number do not give the same index.
    assert index_id_number("0912345678") != index_phone("0912345678")
    assert index_phone("") == "" and index_id_number("không có") == ""


def test_the_blind_index_uses_its_own_key(settings):
    import hashlib
    import hmac

    under_current = index_phone("0912345678")
    with_secret_key = hmac.new(
        settings.SECRET_KEY.encode(), b"phone\x000912345678", hashlib.sha256
    ).hexdigest()
    assert under_current != with_secret_key
    settings.BLIND_INDEX_KEY = "another-blind-index-key-0123456789-abcdef"
    assert index_phone("0912345678") != under_current


def test_saving_a_reporter_keeps_its_indexes_in_step(make_case):
    make_case()
    reporter = Reporter.objects.get()
    reporter.phone = "0988 777 666"
    reporter.save(update_fields=["phone"])
    reporter.refresh_from_db()
    assert reporter.phone_index == index_phone("0988777666")


def test_protection_free_text_is_stored_as_ciphertext_in_main_and_history_tables(make_case, head):
    """Why protection was asked, who carries a measure out and what the retaliation was all
    point at the reporter."""
    import datetime as dt

    from protection import services as protection_services

    case = make_case(received_on=dt.date(2026, 3, 2))
    reporter = Reporter.objects.get(case=case)
    request = protection_services.protection_request_record(
        case=case,
        by=head,
        received_on=dt.date(2026, 3, 4),
        channel="written",
        reason="Bị đe dọa tại Công ty MARKER-REASON",
        requested_measures=["job"],
        persons=[protection_services.PersonData(relation="reporter", reporter=reporter)],
    )
    protection_services.protection_decide(
        request=request,
        by=head,
        grant=True,
        decided_on=dt.date(2026, 3, 6),
        reason="Có căn cứ MARKER-DECISION",
        measures=[
            protection_services.MeasureData(
                kind="job",
                carried_out_by="Giám đốc MARKER-EMPLOYER",
                started_on=dt.date(2026, 3, 6),
            )
        ],
    )
    protection_services.retaliation_report_record(
        case=case,
        by=head,
        reported_on=dt.date(2026, 3, 9),
        description="Bị điều chuyển khỏi phòng MARKER-RETALIATION",
    )
    for table in (
        "protection_protectionrequest",
        "protection_historicalprotectionrequest",
        "protection_protectionmeasure",
        "protection_historicalprotectionmeasure",
        "protection_retaliationreport",
        "protection_historicalretaliationreport",
    ):
        assert "MARKER" not in raw_rows(table), table
    request.refresh_from_db()
    assert request.reason == "Bị đe dọa tại Công ty MARKER-REASON"
