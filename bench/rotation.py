"""Measure `rotate_keys` over many identities, and prove that it loses nothing.

    python -m bench.benchdb postgres://postgres@127.0.0.1:5432/petitions_bench_rotation
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petitions_bench_rotation \
        python -m bench rotation --identities 100000

(or any empty database: `DATABASE_URL=sqlite:///var/bench.sqlite3 manage.py migrate` first).

It bulk-creates reporters (each with its history row) under the configured keys, puts a fresh
key first, times `rotate_keys`, then checks every stored value: none is readable with the old
keys alone, and every identity reads back, with the new key alone, exactly as created. It
needs a database without identities (it would otherwise re-encrypt real ones with a key it
throws away) and removes what it created.
"""

import io
import sys
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bench import BenchError
from cases.models import Case, Field
from protection import rotation
from protection.models import IDENTITY_FIELDS, Reporter

HELP = "Time rotate_keys over N generated identities and check none is lost (empty DB only)."
PER_CASE = 100
PREFIX = "BENCH-"


def identity(i: int) -> dict[str, str]:
    return {
        "full_name": f"Người thử nghiệm {i:06d}",
        "id_number": f"0790{i:08d}",
        "phone": f"09{i:08d}",
        "address": f"Số {i} đường Thử Nghiệm, phường 1, thành phố Cà Mau",
        "email": f"thu{i:06d}@example.vn",
    }


def crypto_floor(old_keys: list[str], new_key: str, sample: int = 20_000) -> float:
    """Seconds per value of re-encryption alone (no database): the floor rotate_keys stands on."""
    old = MultiFernet([Fernet(key.encode()) for key in old_keys])
    rotating = MultiFernet([Fernet(new_key.encode()), *old._fernets])
    tokens = [old.encrypt(f"Nguyễn Văn Mẫu {n}".encode()) for n in range(sample)]
    started = time.perf_counter()
    for token in tokens:
        rotating.rotate(token)
    return (time.perf_counter() - started) / sample


def say(text: str = "") -> None:
    print(text, flush=True)


def add_arguments(parser) -> None:
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)


def run(*, identities: int = 100_000, batch_size: int = 1000, stderr=None) -> None:
    count = identities
    for spec in rotation.encrypted_tables():
        if rotation._count(spec.table):
            raise BenchError(
                f"{spec.table} already holds encrypted values: run the bench on an empty "
                "database (see bench/rotation.py), never on real data."
            )
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    vendor = connection.vendor
    say(f"Database: {vendor}. Creating {count:,} identities…")

    started = time.monotonic()
    case_ids = create(count)
    created = time.monotonic() - started
    rows = Reporter.objects.count() + Reporter.history.count()
    say(
        f"Created {count:,} identities in {len(case_ids):,} cases ({rows:,} rows with "
        f"their history) in {created:.1f} s."
    )
    try:
        with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
            output = io.StringIO()
            started = time.monotonic()
            call_command(
                "rotate_keys",
                "--batch-size",
                str(batch_size),
                stdout=output,
                stderr=stderr or sys.stderr,
            )
            took = time.monotonic() - started
            values = rows * len(IDENTITY_FIELDS)
            say(
                f"rotate_keys: {took:.1f} s for {values:,} encrypted values in {rows:,} rows "
                f"({values / took:,.0f} values/s), its verification included."
            )
            for line in output.getvalue().splitlines():
                say(f"    {line}")
            floor = crypto_floor(old_keys, new_key)
            say(
                f"Baseline in the same run: MultiFernet.rotate alone, in memory, "
                f"{floor * 1e6:.0f} µs a value; rotate_keys takes {took / values * 1e6:.0f} µs "
                f"a value = {took / values / floor:.2f}× that (reading, writing, verifying)."
            )
            verify(count, case_ids, old_keys, new_key)
    finally:
        with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
            clean_up(case_ids)


@transaction.atomic
def create(count: int) -> list[int]:
    field = Field.objects.order_by("position").first()
    today = timezone.localdate()
    Case.objects.bulk_create(
        Case(
            number=f"{PREFIX}{n:06d}",
            year=today.year,
            kind=Case.Kind.DENUNCIATION,
            channel=Case.Channel.POST,
            field=field,
            received_on=today,
            summary="Dữ liệu đo thời gian xoay khóa",
        )
        for n in range((count + PER_CASE - 1) // PER_CASE)
    )
    case_ids = list(
        Case.objects.filter(number__startswith=PREFIX)
        .order_by("number")
        .values_list("pk", flat=True)
    )
    reporters = [
        Reporter(
            case_id=case_ids[i // PER_CASE],
            position=i % PER_CASE + 1,
            is_representative=i % PER_CASE == 0,
            **identity(i),
        )
        for i in range(count)
    ]
    bulk_create_with_history(reporters, Reporter, batch_size=2000)
    return case_ids


def verify(count: int, case_ids: list[int], old_keys: list[str], new_key: str) -> None:
    old = MultiFernet([Fernet(k.encode()) for k in old_keys])
    new = Fernet(new_key.encode())
    columns = ["case_id", "position", *IDENTITY_FIELDS]
    found, readable_by_old = 0, 0
    case_index = {case_id: n for n, case_id in enumerate(case_ids)}
    for table in ("protection_reporter", "protection_historicalreporter"):
        for batch in rotation._batches(
            table, "history_id" if "historical" in table else "id", columns, 5000
        ):
            for _pk, case_id, position, *tokens in batch:
                expected = identity(case_index[case_id] * PER_CASE + position - 1)
                for name, token in zip(IDENTITY_FIELDS, tokens, strict=True):
                    token = token.encode("ascii")
                    try:
                        old.decrypt(token)
                        readable_by_old += 1
                    except InvalidToken:
                        pass
                    if new.decrypt(token).decode() != expected[name]:
                        raise BenchError(f"{table}: a value changed in rotation.")
                found += 1
    if readable_by_old:
        raise BenchError(f"{readable_by_old:,} values are still readable by the old key.")
    if found != 2 * count:
        raise BenchError(f"Expected {2 * count:,} rows, found {found:,}.")
    say(
        f"Checked: none readable with the old key alone; all {count:,} identities read back "
        "unchanged with the new key alone, in the main and the history table."
    )


@transaction.atomic
def clean_up(case_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        # Raw deletes: the ORM would decrypt every row and write a history row for each.
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            for table, column in (
                ("protection_reporter", "case_id"),
                ("protection_historicalreporter", "case_id"),
                ("cases_case", "id"),
            ):
                sql = f"DELETE FROM {table} WHERE {column} IN ({marks})"  # noqa: S608
                cursor.execute(sql, chunk)
