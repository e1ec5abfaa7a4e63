"""python manage.py export_cases --format csv|xlsx|json [--start D] [--end D] [--output FILE]

Every case whose received date lies in the range (both ends included); see README, "Import and
export". The command runs with the server's own rights, so it exports every case: it is for the
operator, the screens export within each user's permissions.
"""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases import exporting
from cases.models import Case
from core.formats import DATE_FORMATS


def parse_day(value: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(_("Ngày không hợp lệ; ghi YYYY-MM-DD hoặc DD/MM/YYYY."))


class Command(BaseCommand):
    help = "Xuất danh sách đơn (không có thông tin người gửi đơn) ra CSV, XLSX hoặc JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(exporting.FORMATS))
        parser.add_argument("--start", help="Từ ngày nhận đơn (YYYY-MM-DD hoặc DD/MM/YYYY)")
        parser.add_argument("--end", help="Đến ngày nhận đơn (kể cả ngày này)")
        parser.add_argument("--output", help="Tệp ghi ra; mặc định in ra màn hình (stdout)")

    def handle(self, *args, format: str, start, end, output, **options):
        cases = Case.objects.all()
        start = parse_day(start) if start else None
        end = parse_day(end) if end else None
        if start and end and start > end:
            raise CommandError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        if start:
            cases = cases.filter(received_on__gte=start)
        if end:
            cases = cases.filter(received_on__lte=end)
        rows = exporting.case_rows(cases)
        if format == "xlsx":
            if output:
                with open(output, "wb") as target:
                    exporting.write_xlsx(rows, target)
            else:
                sys.stdout.buffer.write(exporting.xlsx_bytes(rows))
                sys.stdout.buffer.flush()
            return
        if output:
            chunks = exporting.csv_chunks(rows) if format == "csv" else exporting.json_chunks(rows)
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.writelines(chunks)
        else:
            # No BOM on a pipe: it would end up in front of whatever reads it.
            chunks = (
                exporting.csv_chunks(rows, bom=False)
                if format == "csv"
                else exporting.json_chunks(rows)
            )
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
