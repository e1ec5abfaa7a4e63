"""manage.py rotate_keys: every encrypted value to the newest key, every blind index to the
current key; resumable, verified, and never overwriting a value the application just saved."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from bench import rotation as bench_rotation
from cases import services as case_services
from cases.models import Case, Evidence
from core.crypto import blind_index_of
from protection import rotation, services
from protection.models import ProtectedPerson, ProtectionMeasure, ProtectionRequest, Reporter
from protection.selectors import reporters_matching
from protection.services import PersonData, ReporterData
from tests.conftest import REPORTER


def raw_values(table: str, column: str) -> list[bytes]:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(table)} WHERE {q(column)} IS NOT NULL")  # noqa: S608
        values = [row[0] for row in cursor.fetchall()]
    return [bytes(v) if not isinstance(v, str) else v.encode() for v in values if v != ""]


def readable_by(key: str, token: bytes) -> bool:
    try:
        Fernet(key.encode()).decrypt(token)
    except InvalidToken:
        return False
    return True


def put_a_new_key_first(settings) -> str:
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key, *settings.FIELD_ENCRYPTION_KEYS]
    return key


@pytest.fixture
def identities(make_case, head, intake_officer):
    """A case with two reporters (one corrected, so history has two versions), a protected
    spouse and an evidence file: every kind of encrypted column, main and history."""
    case = make_case(reporters=[REPORTER, ReporterData(full_name="Lê Văn Hai", phone="0987")])
    reporter = case.reporters.get(position=1)
    reporter.address = "Địa chỉ mới"
    reporter.save(update_fields=["address"])
    services.protection_request_record(
        case=case,
        by=intake_officer,
        received_on=case.received_on,
        channel=ProtectionRequest.Channel.WRITTEN,
        reason="Bị đe dọa qua điện thoại",
        requested_measures=[ProtectionMeasure.Kind.LIFE_HEALTH],
        persons=[
            PersonData(relation=ProtectedPerson.Relation.REPORTER, reporter=reporter),
            PersonData(
                relation=ProtectedPerson.Relation.SPOUSE,
                reporter=reporter,
                full_name="Trần Thị Vợ",
                phone="0911 000 111",
            ),
        ],
    )
    case_services.case_decide(case=case, by=head, decision=Case.Decision.ACCEPTED)
    case_services.evidence_add(
        case=case,
        by=head,
        upload=SimpleUploadedFile("don.txt", "Đơn viết tay".encode(), "text/plain"),
        description="Đơn gốc",
    )
    return case


def test_every_table_with_an_encrypted_column_is_found_without_a_list():
    tables = {spec.table: spec for spec in rotation.encrypted_tables()}
    assert {
        "cases_evidence",
        "protection_reporter",
        "protection_historicalreporter",
        "protection_protectedperson",
        "protection_historicalprotectedperson",
    } <= set(tables)
    assert tables["cases_evidence"].binary
    assert {c.name for c in tables["protection_historicalreporter"].columns} == {
        "full_name",
        "id_number",
        "phone",
        "address",
        "email",
    }
    indexed = {spec.table for spec in rotation.indexed_tables()}
    assert indexed == {"protection_reporter", "protection_historicalreporter"}


def test_rotation_moves_every_value_to_the_newest_key_and_loses_nothing(identities, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before_names = sorted(r.full_name for r in Reporter.history.all())
    spouse_phone = ProtectedPerson.objects.get(relation="spouse").phone
    evidence_bytes = Evidence.objects.get().content
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("rotate_keys", stdout=stdout, stderr=stderr)

    assert "Verified" in stdout.getvalue()
    for table, column in [
        ("protection_reporter", "full_name"),
        ("protection_historicalreporter", "address"),
        ("protection_historicalprotectedperson", "full_name"),
        ("protection_protectedperson", "phone"),
        ("cases_evidence", "content"),
    ]:
        tokens = raw_values(table, column)
        assert tokens, (table, column)
        assert not any(readable_by(old_key, t) for t in tokens), (table, column)
        assert all(readable_by(new_key, t) for t in tokens), (table, column)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: everything still reads
    assert sorted(r.full_name for r in Reporter.history.all()) == before_names
    assert ProtectedPerson.objects.get(relation="spouse").phone == spouse_phone
    assert Evidence.objects.get().content == evidence_bytes


def test_progress_on_stderr_shows_each_table_with_rows_done_of_total(identities, settings):
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    stderr = io.StringIO()
    call_command("rotate_keys", stdout=io.StringIO(), stderr=stderr)
    progress = stderr.getvalue()
    assert "protection_historicalreporter" in progress
    history_rows = Reporter.history.count()
    assert f"{history_rows}/{history_rows}" in progress
    assert "cases_evidence" in progress


def test_an_interrupted_rotation_resumes_and_skips_what_is_done(make_case, settings):
    make_case(reporters=[ReporterData(full_name=f"Người {i}") for i in range(12)])
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    spec = next(s for s in rotation.encrypted_tables() if s.table == "protection_reporter")

    def stop_after_two_batches(rows_done):
        if rows_done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate_table(
            spec,
            batch_size=5,
            progress=rotation.Progress("t", 0, io.StringIO()),
            on_batch=stop_after_two_batches,
        )

    stdout = io.StringIO()
    call_command("rotate_keys", "--batch-size", "5", stdout=stdout, stderr=io.StringIO())
    assert (
        "protection.Reporter: 12 rows, 2 values re-encrypted, 10 already under the newest key"
        in stdout.getvalue()
    )
    assert "Verified" in stdout.getvalue()


def test_running_it_twice_changes_nothing_the_second_time(identities, settings):
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    call_command("rotate_keys", stdout=io.StringIO(), stderr=io.StringIO())
    tokens = raw_values("protection_reporter", "full_name")
    stdout = io.StringIO()
    call_command("rotate_keys", stdout=stdout, stderr=io.StringIO())
    assert raw_values("protection_reporter", "full_name") == tokens
    assert "protection.Reporter: 2 rows, 0 values re-encrypted" in stdout.getvalue()


def test_a_value_no_key_can_read_fails_verification_with_a_non_zero_exit(identities, settings):
    stranger = Fernet(Fernet.generate_key())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE protection_reporter SET email = %s WHERE position = 2",
            [stranger.encrypt(b"x").decode()],
        )
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="not under the newest key"):
        call_command("rotate_keys", stdout=io.StringIO(), stderr=stderr)
    assert "protection.Reporter.email pk=" in stderr.getvalue()


def test_verify_only_fails_while_values_are_still_under_an_older_key(identities, settings):
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    before = raw_values("protection_reporter", "full_name")
    with pytest.raises(CommandError):
        call_command("rotate_keys", "--verify-only", stdout=io.StringIO(), stderr=io.StringIO())
    assert raw_values("protection_reporter", "full_name") == before


def test_a_value_saved_by_the_application_during_rotation_is_not_overwritten(
    make_case, settings, monkeypatch
):
    case = make_case()
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    real = rotation._rotate_rows
    calls = []

    def app_saves_meanwhile(rows, spec, *args):
        result = real(rows, spec, *args)
        if spec.table == "protection_reporter" and not calls:
            calls.append(1)
            reporter = case.reporters.get()
            reporter.phone = "0900 111 222"  # an officer corrects the phone right now
            reporter.save(update_fields=["phone"])
        return result

    monkeypatch.setattr(rotation, "_rotate_rows", app_saves_meanwhile)
    call_command("rotate_keys", stdout=io.StringIO(), stderr=io.StringIO())
    assert case.reporters.get().phone == "0900 111 222"


def test_blind_index_rotation_recomputes_every_index_under_the_new_key(identities, settings):
    old_key = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY = "a-brand-new-blind-index-key-of-enough-length-0123"
    lookup = ReporterData(full_name="", id_number=REPORTER.id_number)
    assert not reporters_matching(lookup).exists()  # stored indexes are under the old key

    stdout = io.StringIO()
    call_command(
        "rotate_keys",
        "--blind-index",
        "--old-blind-index-key",
        old_key,
        stdout=stdout,
        stderr=io.StringIO(),
    )

    assert "Verified: all" in stdout.getvalue()
    assert reporters_matching(lookup).count() == 1
    assert Reporter.history.filter(
        id_number_index=blind_index_of(REPORTER.id_number, purpose="id_number")
    ).exists()


def test_blind_index_rotation_takes_the_old_key_from_the_environment_setting(identities, settings):
    settings.OLD_BLIND_INDEX_KEY = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY = "a-brand-new-blind-index-key-of-enough-length-0123"
    # While the rotation has not run, duplicates are still found through the old key.
    lookup = ReporterData(full_name="", phone=REPORTER.phone)
    assert reporters_matching(lookup).count() == 1
    stdout = io.StringIO()
    call_command("rotate_keys", "--blind-index", stdout=stdout, stderr=io.StringIO())
    assert "Verified: all" in stdout.getvalue()
    settings.OLD_BLIND_INDEX_KEY = ""
    assert reporters_matching(lookup).count() == 1


def test_blind_index_rotation_refuses_without_the_old_key(identities, settings):
    settings.OLD_BLIND_INDEX_KEY = ""
    with pytest.raises(CommandError, match="previous blind index key"):
        call_command("rotate_keys", "--blind-index", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="is the current BLIND_INDEX_KEY"):
        call_command(
            "rotate_keys",
            "--blind-index",
            "--old-blind-index-key",
            settings.BLIND_INDEX_KEY,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_blind_index_verification_fails_on_a_stale_index(identities):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE protection_reporter SET phone_index = 'stale' WHERE position = 1")
    with pytest.raises(CommandError, match=r"not under the\s+current key"):
        call_command(
            "rotate_keys",
            "--blind-index",
            "--verify-only",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_bench_rotation_reports_times_and_checks_nothing_is_lost(db, settings, capsys):
    bench_rotation.run(identities=300, stderr=io.StringIO())
    output = capsys.readouterr().out
    assert "rotate_keys:" in output
    assert "none readable with the old key alone" in output
    assert "all 300 identities read back unchanged" in output
    assert not Reporter.objects.exists()  # the bench cleans up after itself
    assert not Reporter.history.exists()
