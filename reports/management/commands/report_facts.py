"""python manage.py report_facts [--check]

Rebuild the report read model (one CaseFact row per case) from the case timelines. The services
keep it current as they record each step; run this after loading cases or events in bulk
without them, or with --check to see whether anything has drifted (nothing is written).
"""

from django.core.management.base import BaseCommand, CommandError

from reports.facts import facts_rebuild


class Command(BaseCommand):
    help = "Rebuild (or --check) the report read model from the case timelines."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift, write nothing")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **options):
        cases, differing = facts_rebuild(
            batch_size=options["batch_size"], check_only=options["check"]
        )
        if options["check"]:
            self.stdout.write(f"{cases} cases, {differing} facts out of date.")
            if differing:
                raise CommandError("The report read model is out of date: run report_facts.")
        else:
            self.stdout.write(f"{cases} cases, {differing} facts rewritten.")
