"""Move every encrypted identity to the newest key, or every blind index to the current key.

    manage.py rotate_keys                       # FIELD_ENCRYPTION_KEYS: newest first
    manage.py rotate_keys --blind-index --old-blind-index-key OLD   # or OLD_BLIND_INDEX_KEY
    manage.py rotate_keys --verify-only         # check, change nothing

README.md, "Key rotation", has the whole procedure. Exit status 0 only when the verification
at the end found every value readable with the newest key alone (every index under the
current key).
"""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from protection import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (main and history tables) with the newest key of "
        "FIELD_ENCRYPTION_KEYS, or with --blind-index recompute the blind indexes after "
        "BLIND_INDEX_KEY changed; then verify. Safe to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="rows per transaction (default 1000)"
        )
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="recompute the blind indexes with the current BLIND_INDEX_KEY instead",
        )
        parser.add_argument(
            "--old-blind-index-key",
            default=None,
            help="the previous BLIND_INDEX_KEY (default: the OLD_BLIND_INDEX_KEY setting, "
            "read from the environment)",
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="only verify; change nothing"
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["blind_index"]:
            self.blind_index(options)
        else:
            self.encryption(options)

    def progress(self, spec) -> rotation.Progress:
        return rotation.Progress(spec.table, 0, stream=self.stderr)

    def say(self, message: str) -> None:
        self.stdout.write(message)

    def encryption(self, options):
        tables = rotation.encrypted_tables()
        keys = len(settings.FIELD_ENCRYPTION_KEYS)
        self.say(
            f"{len(tables)} tables with encrypted columns; {keys} key(s) configured, "
            "the first is the newest."
        )
        if not options["verify_only"]:
            started = time.monotonic()
            failures = []
            for spec in tables:
                result = rotation.rotate_table(
                    spec, batch_size=options["batch_size"], progress=self.progress(spec)
                )
                failures += result.failures
                self.say(
                    f"  {spec.label}: {result.rows:,} rows, {result.changed:,} values "
                    f"re-encrypted, {result.already_done:,} already under the newest key"
                )
            self.say(f"Re-encryption took {time.monotonic() - started:.1f} s.")
            if failures:
                self.report_failures(
                    failures, "no configured key decrypts these values; they were left as they are"
                )
        self.verify_encryption(tables, options)

    def verify_encryption(self, tables, options):
        started = time.monotonic()
        failures, values = [], 0
        for spec in tables:
            result = rotation.verify_table(spec, batch_size=options["batch_size"])
            failures += result.failures
            values += result.values
        took = time.monotonic() - started
        if failures:
            self.report_failures(failures, "not readable with the newest key alone")
            raise CommandError(
                f"Verification failed: {len(failures):,} value(s) are not under the newest key. "
                "Keep the old keys configured and run `manage.py rotate_keys` again."
            )
        self.say(
            self.style.SUCCESS(
                f"Verified: all {values:,} encrypted values decrypt with the newest key alone "
                f"({took:.1f} s). The older keys can now be removed from FIELD_ENCRYPTION_KEYS."
            )
        )

    def blind_index(self, options):
        old_key = options["old_blind_index_key"]
        if old_key is None:
            old_key = getattr(settings, "OLD_BLIND_INDEX_KEY", "") or os.environ.get(
                "OLD_BLIND_INDEX_KEY", ""
            )
        tables = rotation.indexed_tables()
        if not options["verify_only"]:
            if not old_key:
                raise CommandError(
                    "Give the previous blind index key with --old-blind-index-key or the "
                    "OLD_BLIND_INDEX_KEY environment variable (see README, Key rotation)."
                )
            if old_key == settings.BLIND_INDEX_KEY:
                raise CommandError(
                    "The old blind index key is the current BLIND_INDEX_KEY: set the new key "
                    "as BLIND_INDEX_KEY first."
                )
            started = time.monotonic()
            failures, unmatched = [], 0
            for spec in tables:
                result = rotation.reindex_table(
                    spec,
                    old_key=old_key,
                    batch_size=options["batch_size"],
                    progress=self.progress(spec),
                )
                failures += result.failures
                unmatched += result.unmatched
                self.say(
                    f"  {spec.label}: {result.rows:,} rows, {result.changed:,} indexes "
                    f"recomputed, {result.already_done:,} already under the current key"
                )
            self.say(f"Recomputing took {time.monotonic() - started:.1f} s.")
            if unmatched:
                self.stderr.write(
                    f"{unmatched:,} index(es) matched neither the old nor the new key (stale, "
                    "or the old key given is not the one in use); recomputed all the same."
                )
            if failures:
                self.report_failures(failures, "could not be decrypted to recompute the index")
        self.verify_indexes(tables, options)

    def verify_indexes(self, tables, options):
        failures, values = [], 0
        for spec in tables:
            result = rotation.verify_index_table(spec, batch_size=options["batch_size"])
            failures += result.failures
            values += result.values
        if failures:
            self.report_failures(failures, "not under the current BLIND_INDEX_KEY")
            raise CommandError(
                f"Verification failed: {len(failures):,} blind index(es) are not under the "
                "current key. Run `manage.py rotate_keys --blind-index` again."
            )
        self.say(
            self.style.SUCCESS(
                f"Verified: all {values:,} blind indexes are under the current BLIND_INDEX_KEY. "
                "OLD_BLIND_INDEX_KEY can now be removed."
            )
        )

    def report_failures(self, failures: list[str], what: str) -> None:
        unique = sorted(set(failures))
        self.stderr.write(f"{len(unique):,} value(s) {what}:")
        for failure in unique[:20]:
            self.stderr.write(f"  {failure}")
        if len(unique) > 20:
            self.stderr.write(f"  … and {len(unique) - 20:,} more")
