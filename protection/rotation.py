"""Re-encrypting every stored identity with the newest key, and recomputing blind indexes.

Tables are found, not listed: every installed model (main and django-simple-history tables
alike) with an encrypted field (core.fields.EncryptedMixin) or a blind index
(core.fields.BlindIndexField). Values are read and written as raw column values with
SQL, so nothing is decrypted and encrypted twice through the ORM, and a row is written only
when one of its values changes.

Each batch is its own transaction and writes with compare-and-set (`... WHERE pk = %s AND
column = <the value read>`), so the application can keep running: a value it rewrote meanwhile
is already under the newest key, and the batch is read again. Interrupting and running again
skips what is done: a token that the newest key alone accepts is left as it is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.db import connection, transaction

from core import crypto
from core.fields import BlindIndexField, EncryptedBinaryField, EncryptedMixin

# Evidence files can be megabytes each: far fewer rows per batch there.
BINARY_BATCH_SIZE = 20
MAX_RETRIES = 5


@dataclass(frozen=True)
class Column:
    name: str
    binary: bool


@dataclass(frozen=True)
class EncryptedTable:
    label: str  # "protection.HistoricalReporter"
    table: str
    pk: str
    columns: tuple[Column, ...]

    @property
    def binary(self) -> bool:
        return any(column.binary for column in self.columns)


@dataclass(frozen=True)
class IndexColumn:
    name: str
    source: str  # the encrypted column it is the hash of
    source_binary: bool
    purpose: str


@dataclass(frozen=True)
class IndexedTable:
    label: str
    table: str
    pk: str
    columns: tuple[IndexColumn, ...]


@dataclass
class TableResult:
    table: str
    rows: int = 0
    values: int = 0
    changed: int = 0
    already_done: int = 0
    unmatched: int = 0  # blind index: stored under neither the old nor the new key
    failures: list[str] = field(default_factory=list)


def _models():
    seen = set()
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed or opts.db_table in seen:
            continue
        seen.add(opts.db_table)
        yield model


def encrypted_tables() -> list[EncryptedTable]:
    tables = []
    for model in _models():
        opts = model._meta
        columns = tuple(
            Column(f.column, isinstance(f, EncryptedBinaryField))
            for f in opts.local_concrete_fields
            if isinstance(f, EncryptedMixin)
        )
        if columns:
            tables.append(EncryptedTable(opts.label, opts.db_table, opts.pk.column, columns))
    return sorted(tables, key=lambda t: t.table)


def indexed_tables() -> list[IndexedTable]:
    tables = []
    for model in _models():
        opts = model._meta
        columns = []
        for f in opts.local_concrete_fields:
            if isinstance(f, BlindIndexField):
                source = opts.get_field(f.source)
                columns.append(
                    IndexColumn(
                        f.column, source.column, isinstance(source, EncryptedBinaryField), f.purpose
                    )
                )
        if columns:
            tables.append(IndexedTable(opts.label, opts.db_table, opts.pk.column, tuple(columns)))
    return sorted(tables, key=lambda t: t.table)


class Progress:
    """`table  [#######.............]  12,000/100,000` on stderr, redrawn in place on a
    terminal; one line per tenth otherwise (a log file does not want a thousand lines)."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total = label, total
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_tenth = -1

    def update(self, done: int) -> None:
        tenth = 10 if self.total == 0 else done * 10 // self.total
        if not self.tty and tenth == self.last_tenth and done != self.total:
            return
        self.last_tenth = tenth
        filled = self.WIDTH if self.total == 0 else done * self.WIDTH // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"{self.label:<42} [{bar}] {done:,}/{self.total:,}"
        self._write(("\r" + line) if self.tty else (line + "\n"))

    def finish(self) -> None:
        self.update(self.total)
        if self.tty:
            self._write("\n")

    def _write(self, text: str) -> None:
        if hasattr(self.stream, "style_func"):  # a command's OutputWrapper adds line endings
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _batches(table: str, pk: str, columns: list[str], size: int) -> Iterator[list[tuple]]:
    """Rows in primary-key order, `size` at a time (keyset pagination: no OFFSET)."""
    select = ", ".join(_q(c) for c in [pk, *columns])
    last = None
    while True:
        sql = f"SELECT {select} FROM {_q(table)}"  # noqa: S608
        params: list = []
        if last is not None:
            sql += f" WHERE {_q(pk)} > %s"
            params.append(last)
        sql += f" ORDER BY {_q(pk)} LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _reread(table: str, pk: str, columns: list[str], first, last) -> list[tuple]:
    """The rows of a batch again, after a concurrent write made our compare-and-set miss."""
    select = ", ".join(_q(c) for c in [pk, *columns])
    sql = (
        f"SELECT {select} FROM {_q(table)} "  # noqa: S608
        f"WHERE {_q(pk)} >= %s AND {_q(pk)} <= %s ORDER BY {_q(pk)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last])
        return cursor.fetchall()


def _token(value, binary: bool) -> bytes | None:
    """The stored token as bytes, or None for a value that holds nothing (NULL; '' in text
    columns, which are stored blank rather than encrypted)."""
    if value is None:
        return None
    if binary:
        return bytes(value)
    if value == "":
        return None
    return value.encode("ascii")


def _stored(token: bytes, binary: bool):
    return token if binary else token.decode("ascii")


def _under(fernet: Fernet, token: bytes) -> bool:
    """Does this key alone authenticate the token? (HMAC only; nothing is decrypted.)"""
    try:
        fernet.extract_timestamp(token)
    except InvalidToken:
        return False
    return True


def _write(table: str, pk: str, updates: list[tuple[object, dict[str, tuple]]]) -> int:
    """Compare-and-set each row's changed columns; returns how many rows were written."""
    by_columns: dict[tuple[str, ...], list[list]] = {}
    for key, changes in updates:
        names = tuple(sorted(changes))
        params = [changes[n][1] for n in names] + [key] + [changes[n][0] for n in names]
        by_columns.setdefault(names, []).append(params)
    written = 0
    with connection.cursor() as cursor:
        for names, param_list in by_columns.items():
            assignments = ", ".join(f"{_q(n)} = %s" for n in names)
            checks = " AND ".join(f"{_q(n)} = %s" for n in names)
            sql = f"UPDATE {_q(table)} SET {assignments} WHERE {_q(pk)} = %s AND {checks}"  # noqa: S608
            # Both sqlite3 and psycopg report the sum of rows written by all the statements.
            cursor.executemany(sql, param_list)
            written += cursor.rowcount
    return written


def rotate_table(
    spec: EncryptedTable,
    *,
    batch_size: int = 1000,
    progress: Progress | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> TableResult:
    """Re-encrypt every value of one table with the newest key (MultiFernet.rotate keeps each
    token's timestamp). Values already under the newest key are left alone."""
    multi, newest = crypto.fernet(), crypto.newest_key_fernet()
    result = TableResult(spec.label)
    names = [c.name for c in spec.columns]
    size = BINARY_BATCH_SIZE if spec.binary else batch_size
    total = _count(spec.table)
    progress = progress or Progress(spec.table, total)
    progress.total = total
    progress.update(0)
    for rows in _batches(spec.table, spec.pk, names, size):
        first, last = rows[0][0], rows[-1][0]
        for _attempt in range(MAX_RETRIES):
            with transaction.atomic():
                updates, values, done = _rotate_rows(rows, spec, multi, newest, result)
                written = _write(spec.table, spec.pk, updates)
            if written == len(updates):
                break
            # Someone saved one of these rows between our read and our write; read them again.
            rows = _reread(spec.table, spec.pk, names, first, last)
        result.rows += len(rows)
        result.values += values
        result.changed += sum(len(changes) for _key, changes in updates)
        result.already_done += done
        progress.update(min(result.rows, total))
        if on_batch is not None:
            on_batch(result.rows)
    progress.finish()
    return result


def _rotate_rows(rows, spec: EncryptedTable, multi: MultiFernet, newest: Fernet, result):
    updates, values, done = [], 0, 0
    for key, *stored in rows:
        changes = {}
        for column, value in zip(spec.columns, stored, strict=True):
            token = _token(value, column.binary)
            if token is None:
                continue
            values += 1
            if _under(newest, token):
                done += 1
                continue
            try:
                rotated = multi.rotate(token)
            except InvalidToken:
                result.failures.append(f"{spec.label}.{column.name} pk={key}")
                continue
            changes[column.name] = (_stored(token, column.binary), _stored(rotated, column.binary))
        if changes:
            updates.append((key, changes))
    return updates, values, done


def verify_table(spec: EncryptedTable, *, batch_size: int = 1000) -> TableResult:
    """Every value decrypts with the newest key alone."""
    newest = crypto.newest_key_fernet()
    result = TableResult(spec.label)
    size = BINARY_BATCH_SIZE if spec.binary else batch_size
    for rows in _batches(spec.table, spec.pk, [c.name for c in spec.columns], size):
        for key, *stored in rows:
            result.rows += 1
            for column, value in zip(spec.columns, stored, strict=True):
                token = _token(value, column.binary)
                if token is None:
                    continue
                result.values += 1
                try:
                    newest.decrypt(token)
                except InvalidToken:
                    result.failures.append(f"{spec.label}.{column.name} pk={key}")
    return result


# --- Blind indexes -----------------------------------------------------------------------


def _plaintext(multi: MultiFernet, value, binary: bool) -> str:
    token = _token(value, binary)
    if token is None:
        return ""
    return multi.decrypt(token).decode("utf-8")


def reindex_table(
    spec: IndexedTable,
    *,
    old_key: str,
    batch_size: int = 1000,
    progress: Progress | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> TableResult:
    """Recompute each blind index with the current BLIND_INDEX_KEY from the decrypted source.
    An index already under the current key is left alone; one under neither key is counted
    (it was stale) and recomputed all the same."""
    multi = crypto.fernet()
    result = TableResult(spec.label)
    names = [c.name for c in spec.columns] + [c.source for c in spec.columns]
    total = _count(spec.table)
    progress = progress or Progress(spec.table, total)
    progress.total = total
    progress.update(0)
    width = len(spec.columns)
    for rows in _batches(spec.table, spec.pk, names, batch_size):
        first, last = rows[0][0], rows[-1][0]
        for _attempt in range(MAX_RETRIES):
            updates, done, unmatched = [], 0, 0
            for key, *values in rows:
                indexes, sources = values[:width], values[width:]
                changes = {}
                for column, stored, source in zip(spec.columns, indexes, sources, strict=True):
                    try:
                        plain = _plaintext(multi, source, column.source_binary)
                    except InvalidToken:
                        result.failures.append(f"{spec.label}.{column.source} pk={key}")
                        continue
                    new = crypto.blind_index_of(plain, purpose=column.purpose)
                    if (stored or "") == new:
                        done += 1
                        continue
                    if (stored or "") != crypto.blind_index_of(
                        plain, purpose=column.purpose, key=old_key
                    ):
                        unmatched += 1
                    changes[column.name] = (stored, new)
                if changes:
                    updates.append((key, changes))
            with transaction.atomic():
                written = _write(spec.table, spec.pk, updates)
            if written == len(updates):
                break
            rows = _reread(spec.table, spec.pk, names, first, last)
        result.rows += len(rows)
        result.changed += sum(len(changes) for _key, changes in updates)
        result.already_done += done
        result.unmatched += unmatched
        progress.update(min(result.rows, total))
        if on_batch is not None:
            on_batch(result.rows)
    progress.finish()
    return result


def verify_index_table(spec: IndexedTable, *, batch_size: int = 1000) -> TableResult:
    """Every index equals the current key's hash of its decrypted source."""
    multi = crypto.fernet()
    result = TableResult(spec.label)
    names = [c.name for c in spec.columns] + [c.source for c in spec.columns]
    width = len(spec.columns)
    for rows in _batches(spec.table, spec.pk, names, batch_size):
        for key, *values in rows:
            result.rows += 1
            for column, stored, source in zip(
                spec.columns, values[:width], values[width:], strict=True
            ):
                result.values += 1
                try:
                    plain = _plaintext(multi, source, column.source_binary)
                except InvalidToken:
                    result.failures.append(f"{spec.label}.{column.source} pk={key}")
                    continue
                if (stored or "") != crypto.blind_index_of(plain, purpose=column.purpose):
                    result.failures.append(f"{spec.label}.{column.name} pk={key}")
    return result
