"""Bring the stored due dates of every case still under way up to date.

The admin does this by itself when a time-limit rule or a calendar day changes; run it by hand
after loading rules or overrides another way (a data migration, SQL), or after upgrading the
`holidays` package, whose calendar may have learnt of new day swaps.
"""

from django.core.management.base import BaseCommand

from cases import services


class Command(BaseCommand):
    help = "Recompute the due dates of open cases from the current rules and calendar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="cases per transaction (default 500)"
        )

    def handle(self, *args, **options):
        def progress(done: int, total: int, changed: int) -> None:
            self.stdout.write(f"  {done}/{total} vụ việc đã kiểm tra, {changed} thay đổi hạn")

        result = services.deadlines_recompute_open_cases(
            batch_size=options["batch_size"],
            progress=progress,
            reason="manage.py recompute_deadlines",
        )
        if result.without_rule:
            self.stderr.write(
                f"Không có thời hạn áp dụng cho {len(result.without_rule)} vụ việc "
                f"(giữ nguyên hạn cũ): {', '.join(result.without_rule)}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã kiểm tra {result.checked} vụ việc đang giải quyết; "
                f"{result.changed} vụ việc được cập nhật hạn."
            )
        )
