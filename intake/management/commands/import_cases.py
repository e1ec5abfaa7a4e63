"""python manage.py import_cases FILE [--dry-run]: see README, "Import and export"."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from intake import importing


class Command(BaseCommand):
    help = (
        "Nhập đơn từ tệp CSV (UTF-8) hoặc XLSX. Kiểm tra toàn bộ tệp trước; một dòng sai thì "
        "không nhập dòng nào. Nhập lại cùng tệp không tạo đơn trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .csv (UTF-8) hoặc .xlsx")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì vào cơ sở dữ liệu."
        )
        parser.add_argument(
            "--user",
            help="Tên đăng nhập của người được ghi là người vào sổ (mặc định: để trống).",
        )

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Không đọc được tệp %(path)s: %(reason)s")
                % {"path": path, "reason": exc.strerror}
            ) from exc
        if len(data) > importing.IMPORT_MAX_BYTES:
            raise CommandError(
                _("Tệp lớn hơn %(limit)s MB; hãy chia nhỏ.")
                % {"limit": importing.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(
                    _("Không có người dùng đang hoạt động tên %(user)s.") % {"user": user}
                )

        started = time.monotonic()
        plan = importing.plan_import(data)
        if not plan.is_valid:
            self._fail(
                plan.errors,
                _("Tệp có %(count)s lỗi; chưa nhập dòng nào.") % {"count": len(plan.errors)},
            )
        self.stdout.write(
            _(
                "Tệp hợp lệ: %(total)s đơn, %(new)s đơn mới, "
                "%(skipped)s đơn đã nhập trước đó (bỏ qua)."
            )
            % {"total": plan.total, "new": len(plan.rows), "skipped": len(plan.skipped_lines)}
        )
        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi gì vào cơ sở dữ liệu."))
            return

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                _("  đã nhập %(done)s/%(total)s đơn (%(rate).0f đơn/giây)")
                % {"done": done, "total": total, "rate": rate}
            )

        try:
            result = importing.run_import(plan, by=by, source=path.name, progress=progress)
        except importing.ImportFailed as failure:
            self._fail(failure.errors, _("Không nhập được; đã hoàn tác, chưa nhập dòng nào."))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã nhập %(imported)s đơn, bỏ qua %(skipped)s đơn đã nhập trước đó "
                    "(%(seconds).1f giây)."
                )
                % {
                    "imported": result.imported,
                    "skipped": result.skipped,
                    "seconds": time.monotonic() - started,
                }
            )
        )

    def _fail(self, errors, summary: str):
        for error in errors:
            self.stderr.write(str(error))
        # CommandError exits with status 1 and prints the summary last, under the list.
        raise CommandError(summary)
