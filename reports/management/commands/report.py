"""python manage.py report (--start D --end D | --preset 2022-Q4) --format json|xlsx|csv|text
[--output FILE]"""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from reports import exports, periods
from reports.figures import report_figures
from reports.selectors import snapshot_status


def parse_day(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Not a date (use YYYY-MM-DD or DD/MM/YYYY): {value}")


class Command(BaseCommand):
    help = (
        "Produce the statistics report of a period. Presets follow the reporting circular's "
        "cut-off (YYYY-Q1..Q4, YYYY-H1, YYYY-9M, YYYY-Y) or the calendar (YYYY-CQ1..CQ4, "
        "YYYY-CH1, YYYY-CH2, YYYY-C9M, YYYY-CY, YYYY-M01..M12)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", help="first day (YYYY-MM-DD or DD/MM/YYYY)")
        parser.add_argument("--end", help="last day (YYYY-MM-DD or DD/MM/YYYY)")
        parser.add_argument(
            "--preset", help="a preset code, e.g. 2022-Q4, 2022-H1, 2022-9M, 2022-Y"
        )
        parser.add_argument("--format", choices=sorted(exports.WRITERS), default="text")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        period = self.period(options)
        figures = report_figures(period)
        content = exports.export(figures, options["format"], snapshot_status(period, figures))
        if options["output"]:
            with open(options["output"], "wb") as output:
                output.write(content)
            self.stderr.write(f"{period.label}: {options['output']}")
        elif options["format"] == "xlsx":
            if sys.stdout.isatty():
                raise CommandError("XLSX is binary: give --output FILE.")
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode(), ending="")

    def period(self, options) -> periods.Period:
        preset, start, end = options["preset"], options["start"], options["end"]
        if preset and (start or end):
            raise CommandError("Give either --preset or --start and --end, not both.")
        try:
            if preset:
                return periods.preset(preset)
            if start and end:
                return periods.custom(parse_day(start), parse_day(end))
        except periods.PeriodError as error:
            raise CommandError(str(error)) from error
        raise CommandError("Give --preset, or both --start and --end.")
