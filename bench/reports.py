"""python -m bench reports [--petitions 1000000] [--preset 2025-Y] [--runs 5] [--regenerate]

Times a one-year report over a million petitions on PostgreSQL and compares it with one
hand-written SQL statement that reads the same rows once.

It works in its own database, BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/petitions_bench), never the configured one: it creates the
database if needed, migrates it, and generates the data once with COPY (cases, their timelines,
the report read model derived from those timelines by `reports.facts.fact_from`, reception and
protection rows). Later runs reuse the data and say so; --regenerate starts over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench import BenchError
from bench.benchdb import create_database
from cases.models import Case, CaseEvent, Field
from intake.models import ReceptionSession, ReceptionVisit
from protection.models import (
    IdentityReveal,
    ProtectionMeasure,
    ProtectionRequest,
    RetaliationReport,
)
from reports import exports
from reports.facts import CaseRow, EventRow, fact_from
from reports.figures import monthly_series, report_figures
from reports.models import CaseFact
from reports.periods import preset
from reports.selectors import snapshot_status

HELP = "Time a one-year report over a million petitions on PostgreSQL (BENCH_DATABASE_URL)."
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/petitions_bench"
NUMBER_PREFIX = "B"
FIRST_DAY = dt.date(2022, 12, 15)  # the data covers the cut-off years 2023, 2024 and 2025
DAYS = 3 * 365
BATCH = 50_000


def bench_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def say(text: str = "") -> None:
    print(text, flush=True)


class Row:
    """Builds COPY rows for a model in column order, starting from the fields' defaults."""

    def __init__(self, model, *, with_id: bool = True):
        fields = [
            field for field in model._meta.concrete_fields if with_id or not field.primary_key
        ]
        self.table = model._meta.db_table
        self.columns = [field.column for field in fields]
        self.index = {field.attname: position for position, field in enumerate(fields)}
        now = timezone.now()
        defaults = []
        for field in fields:
            value = field.get_default() if field.has_default() else None
            if value is None and not field.null:
                internal = field.get_internal_type()
                if internal in ("CharField", "TextField", "SlugField"):
                    value = ""
                elif internal == "DateTimeField":
                    value = now
            if isinstance(value, dict | list):
                value = json.dumps(value)
            defaults.append(value)
        self.defaults = defaults

    def make(self, **values) -> list:
        row = self.defaults.copy()
        for name, value in values.items():
            row[self.index[name]] = json.dumps(value) if isinstance(value, dict | list) else value
        return row

    def copy(self, cursor, rows) -> None:
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


class Generator:
    """A reproducible population of petitions with every kind of history."""

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)  # noqa: S311 -- benchmark data, reproducible on purpose
        self.field_ids = list(Field.objects.values_list("pk", flat=True))
        self.case_row = Row(Case)
        self.event_row = Row(CaseEvent, with_id=False)
        self.fact_row = Row(CaseFact)
        self.session_row = Row(ReceptionSession)
        self.visit_row = Row(ReceptionVisit)
        self.request_row = Row(ProtectionRequest)
        self.measure_row = Row(ProtectionMeasure, with_id=False)
        self.retaliation_row = Row(RetaliationReport, with_id=False)
        self.reveal_row = Row(IdentityReveal, with_id=False)
        self.Kind = CaseEvent.Kind
        self.visits_by_day: dict[dt.date, list[int]] = {}

    # -- reception (sessions and visits first: in-person petitions link to a visit) --

    def reception(self, cursor) -> tuple[int, int]:
        rng = self.rng
        sessions, visits = [], []
        session_id = visit_id = 0
        for offset in range(DAYS):
            day = FIRST_DAY + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            kinds = ["regular"]
            if day.day == 15:
                kinds.append("periodic")
            if rng.random() < 0.03:
                kinds.append("ad_hoc")
            for kind in kinds:
                session_id += 1
                mode = "" if kind == "regular" else rng.choice(["in_person", "delegated"])
                sessions.append(
                    self.session_row.make(id=session_id, held_on=day, kind=kind, mode=mode)
                )
                for _visit in range(rng.randint(0, 5)):
                    visit_id += 1
                    people = 1 if rng.random() < 0.9 else rng.randint(2, 30)
                    visits.append(
                        self.visit_row.make(
                            id=visit_id,
                            session_id=session_id,
                            people_count=people,
                            is_large_group=people >= 5,
                            is_repeat=rng.random() < 0.2,
                            subject=rng.choice(["complaint", "denunciation", "recommendation"]),
                        )
                    )
                    self.visits_by_day.setdefault(day, []).append(visit_id)
        self.session_row.copy(cursor, sessions)
        self.visit_row.copy(cursor, visits)
        return len(sessions), len(visits)

    # -- petitions --

    def petition(self, case_id: int):
        """One case: its row, its timeline and its fact."""
        rng, K = self.rng, self.Kind
        roll = rng.random()
        kind = (
            "denunciation"
            if roll < 0.25
            else "complaint"
            if roll < 0.40
            else "recommendation"
            if roll < 0.75
            else "feedback"
        )
        channel = rng.choice(["in_person", "post", "email", "online", "forwarded", "hotline"])
        received = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        handling_due = received + dt.timedelta(days=10 if kind == "denunciation" else 14)
        corruption = kind == "denunciation" and rng.random() < 0.08
        case = {
            "id": case_id,
            "number": f"{NUMBER_PREFIX}{case_id:08d}",
            "year": received.year,
            "kind": kind,
            "channel": channel,
            "field_id": rng.choice(self.field_ids),
            "received_on": received,
            "summary": "Đơn thử nghiệm hiệu năng",
            "corruption_related": corruption,
            "handling_due": handling_due,
            "status": "received",
        }
        if channel == "in_person" and rng.random() < 0.3 and self.visits_by_day.get(received):
            case["reception_visit_id"] = rng.choice(self.visits_by_day[received])
        events = [(K.RECEIVED, received, handling_due, {"channel": channel})]
        day = received
        if rng.random() < 0.6:
            day = received + dt.timedelta(days=rng.randint(1, 3))
            eligible = rng.random() < 0.9
            case["is_eligible"] = eligible
            events.append((K.ELIGIBILITY_CHECKED, day, None, {"eligible": eligible}))
        if rng.random() >= 0.06:  # 6% never decided on
            day = received + dt.timedelta(days=rng.randint(1, 17))
            weights = (
                [("accepted", 55), ("forwarded", 12), ("guided", 13), ("returned", 5),
                 ("filed", 8), ("urged", 7)]
                if kind in ("complaint", "denunciation")
                else [("accepted", 40), ("guided", 25), ("forwarded", 15), ("filed", 10),
                      ("returned", 3), ("urged", 7)]
            )  # fmt: skip
            decision = rng.choices([d for d, _w in weights], [w for _d, w in weights])[0]
            if decision == "urged":
                events.append((K.URGED, day, None, {"decision": "urged"}))
                case.update(status="urged", decision="urged", decision_on=day)
                if rng.random() < 0.5:
                    day += dt.timedelta(days=rng.randint(20, 60))
                    decision = "accepted"
            if decision == "accepted":
                self.accept(case, events, day, kind)
            elif decision != "urged":
                events.append((getattr(K, decision.upper()), day, None, {"decision": decision}))
                case.update(status=decision, decision=decision, decision_on=day, resolved_on=day)
        row = CaseRow(case_id, kind, channel, case["field_id"], corruption, received, handling_due)
        fact = fact_from(row, [EventRow(k, on, due, data) for k, on, due, data in events])
        return case, events, fact

    def accept(self, case: dict, events: list, day: dt.date, kind: str) -> None:
        rng, K = self.rng, self.Kind
        limited = kind in ("complaint", "denunciation")
        due = day + dt.timedelta(days=30) if limited else None
        events.append((K.ACCEPTED, day, due, {"decision": "accepted"}))
        case.update(
            status="verifying", decision="accepted", decision_on=day, accepted_on=day,
            resolution_due=due,
        )  # fmt: skip
        if limited and rng.random() < 0.15:
            extended = day + dt.timedelta(days=rng.randint(20, 28))
            due = due + dt.timedelta(days=30 if kind == "denunciation" else 15)
            events.append((K.EXTENDED, extended, due, {"level": "complex"}))
            case.update(extension="complex", resolution_due=due)
            if kind == "denunciation" and rng.random() < 0.25:
                extended = extended + dt.timedelta(days=rng.randint(20, 28))
                due = due + dt.timedelta(days=30)
                events.append((K.EXTENDED, extended, due, {"level": "especially_complex"}))
                case.update(extension="especially_complex", resolution_due=due)
        if rng.random() < 0.12:
            return  # still being resolved
        span = (due - day).days + 15 if due else 45
        end = day + dt.timedelta(days=rng.randint(8, span))
        outcome = rng.random()
        if outcome < 0.05:
            events.append((K.WITHDRAWN, end, None, {}))
            case.update(status="withdrawn", withdrawn_on=end, resolved_on=end)
        elif outcome < 0.08:
            events.append((K.SUSPENDED, end, None, {}))
            case.update(status="suspended", resolved_on=end)
        else:
            finding = rng.choice(["founded", "partly_founded", "unfounded"]) if limited else ""
            events.append((K.CONCLUDED, end, None, {"finding": finding}))
            case.update(status="concluded", finding=finding, concluded_on=end, resolved_on=end)

    def petitions(self, cursor, first_id: int, count: int, recorded_at) -> int:
        events_written = 0
        for start in range(0, count, BATCH):
            cases, events, facts = [], [], []
            for case_id in range(first_id + start, first_id + min(count, start + BATCH)):
                case, timeline, fact = self.petition(case_id)
                cases.append(self.case_row.make(**case))
                events.extend(
                    self.event_row.make(
                        case_id=case_id,
                        kind=kind,
                        effective_on=on,
                        due_on=due,
                        data=data,
                        recorded_at=recorded_at,
                    )
                    for kind, on, due, data in timeline
                )
                facts.append(self.fact_row.make(**fact))
            self.case_row.copy(cursor, cases)
            self.event_row.copy(cursor, events)
            self.fact_row.copy(cursor, facts)
            events_written += len(events)
        return events_written

    # -- protection --

    def protection(self, cursor, first_id: int, count: int, user_id: int) -> dict[str, int]:
        rng = self.rng
        requests, measures, retaliations, reveals = [], [], [], []
        for request_id in range(1, count // 1000 + 1):
            case_id = first_id + rng.randrange(count)
            received = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            decided = received + dt.timedelta(days=rng.randint(1, 10))
            status = rng.choice(["granted", "granted", "refused", "pending"])
            requests.append(
                self.request_row.make(
                    id=request_id,
                    case_id=case_id,
                    received_on=received,
                    channel="written",
                    reason="Thử nghiệm",
                    status=status,
                    decided_on=None if status == "pending" else decided,
                    decided_by_id=None if status == "pending" else user_id,
                )
            )
            if status == "granted":
                ended = decided + dt.timedelta(days=rng.randint(30, 400))
                measures.append(
                    self.measure_row.make(
                        request_id=request_id,
                        kind=rng.choice(["secrecy", "job", "life_health", "property", "honour"]),
                        carried_out_by="Cơ quan thực hiện",
                        started_on=decided,
                        ended_on=ended if rng.random() < 0.5 else None,
                    )
                )
            if rng.random() < 0.2:
                retaliations.append(
                    self.retaliation_row.make(
                        case_id=case_id,
                        reported_on=received + dt.timedelta(days=rng.randint(5, 90)),
                        description="Thử nghiệm",
                    )
                )
        for _n in range(count // 50):
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            reveals.append(
                self.reveal_row.make(
                    case_id=first_id + rng.randrange(count),
                    user_id=user_id,
                    revealed_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
                    reason="Thử nghiệm",
                    basis="head",
                )
            )
        self.request_row.copy(cursor, requests)
        self.measure_row.copy(cursor, measures)
        self.retaliation_row.copy(cursor, retaliations)
        self.reveal_row.copy(cursor, reveals)
        return {
            "protection requests": len(requests),
            "measures": len(measures),
            "retaliation reports": len(retaliations),
            "identity reveals": len(reveals),
        }


def timed(functions: dict, runs: int) -> dict[str, list[float]]:
    """Wall times of `runs` rounds; each round calls every function once, in turn, so that a
    busy moment on a shared machine weighs on all of them alike. One warm-up round first."""
    for function in functions.values():
        function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _round in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return times


# The report's petition figures written by hand as one statement: the same conditions as
# reports.figures, the same rows (received by the end, not finished before the start), read
# once, grouped the same way (resolved and handled are sums of these, as in the report).
HAND_WRITTEN = """
SELECT kind, field_id, channel,
  count(*) FILTER (WHERE received_on >= %(s)s) AS received,
  count(*) FILTER (WHERE received_on < %(s)s) AS carried_over,
  count(*) FILTER (WHERE (finished_on IS NULL OR finished_on > %(e)s)
                   AND (handled_on IS NULL OR handled_on > %(e)s) AND handling_due < %(e)s)
    AS overdue_handling,
  count(*) FILTER (WHERE eligible AND eligible_on <= %(e)s) AS eligible,
  count(*) FILTER (WHERE accepted_on <= %(e)s) AS accepted,
  count(*) FILTER (WHERE decision = 'forwarded' AND decision_on <= %(e)s) AS forwarded,
  count(*) FILTER (WHERE decision = 'guided' AND decision_on <= %(e)s) AS guided,
  count(*) FILTER (WHERE decision = 'returned' AND decision_on <= %(e)s) AS returned,
  count(*) FILTER (WHERE decision = 'filed' AND decision_on <= %(e)s) AS filed,
  count(*) FILTER (WHERE urged_on <= %(e)s AND (decision = 'urged' OR decision_on > %(e)s))
    AS urged,
  count(*) FILTER (WHERE finished_on <= %(e)s AND finish_kind = 'concluded') AS concluded,
  count(*) FILTER (WHERE finished_on <= %(e)s AND finish_kind = 'withdrawn') AS withdrawn,
  count(*) FILTER (WHERE finished_on <= %(e)s AND finish_kind = 'suspended') AS suspended,
  count(*) FILTER (WHERE finished_on <= %(e)s AND finding = 'founded') AS founded,
  count(*) FILTER (WHERE finished_on <= %(e)s AND finding = 'partly_founded') AS partly,
  count(*) FILTER (WHERE finished_on <= %(e)s AND finding = 'unfounded') AS unfounded,
  count(*) FILTER (WHERE finished_on <= %(e)s AND on_time) AS met,
  count(*) FILTER (WHERE received_on >= %(s)s AND corruption_related) AS corruption,
  count(*) FILTER (WHERE ext1_on <= %(e)s) AS extended,
  count(*) FILTER (WHERE ext1_on BETWEEN %(s)s AND %(e)s) AS ext1,
  count(*) FILTER (WHERE ext2_on BETWEEN %(s)s AND %(e)s) AS ext2,
  count(*) FILTER (WHERE accepted_on < %(s)s) AS res_carried_over,
  count(*) FILTER (WHERE accepted_on BETWEEN %(s)s AND %(e)s) AS res_accepted,
  count(*) FILTER (WHERE accepted_on <= %(e)s AND finished_on <= %(e)s) AS res_resolved,
  count(*) FILTER (WHERE accepted_on <= %(e)s AND finished_on <= %(e)s
                   AND finish_kind = 'withdrawn') AS res_withdrawn,
  count(*) FILTER (WHERE accepted_on <= %(e)s AND (finished_on IS NULL OR finished_on > %(e)s)
                   AND CASE WHEN ext2_on <= %(e)s THEN ext2_due WHEN ext1_on <= %(e)s
                   THEN ext1_due ELSE accepted_due END < %(e)s) AS res_overdue,
  count(*) FILTER (WHERE accepted_on <= %(e)s AND finished_on <= %(e)s AND resolution_on_time)
    AS res_met
FROM reports_casefact
WHERE received_on <= %(e)s AND (finished_on IS NULL OR finished_on >= %(s)s)
GROUP BY kind, field_id, channel
"""
BARE_SCAN = """
SELECT count(*) FROM reports_casefact
WHERE received_on <= %(e)s AND (finished_on IS NULL OR finished_on >= %(s)s)
"""


def add_arguments(parser) -> None:
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--preset", default="2025-Y", help="the period to report on")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true", help="drop and regenerate data")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--inside", action="store_true", help="(internal)")


def run(**options) -> None:
    if not options["inside"]:
        return relaunch(options)
    if connection.vendor != "postgresql":
        raise BenchError("The benchmark runs on PostgreSQL (BENCH_DATABASE_URL).")
    prepare(options)
    measure(options)


def relaunch(options) -> None:
    """Run again in a child process whose DATABASE_URL is the benchmark database, so no code
    path can touch the configured one."""
    url = bench_url()
    if not url.startswith(("postgres://", "postgresql://")):
        raise BenchError(f"BENCH_DATABASE_URL must point to PostgreSQL, not {url}")
    try:
        create_database(url)
    except Exception as error:  # any connection problem, said plainly
        raise BenchError(f"Cannot reach or create {url}: {error}") from error
    argv = [sys.executable, "-m", "bench", "reports", "--inside"]
    for name in ("petitions", "preset", "runs"):
        argv += [f"--{name}", str(options[name])]
    argv += [flag for flag in ("--regenerate", "--explain") if options[flag[2:]]]
    env = {**os.environ, "DATABASE_URL": url}
    completed = subprocess.run(  # noqa: S603 -- our own benchmark, with the interpreter running us
        argv, env=env, cwd=settings.BASE_DIR, check=False
    )
    if completed.returncode:
        raise BenchError(f"The benchmark failed (exit code {completed.returncode}).")


def prepare(options) -> None:
    name = connection.settings_dict["NAME"]
    say(f"Benchmark database: {name} (PostgreSQL)")
    call_command("migrate", verbosity=0, interactive=False)
    wanted = options["petitions"]
    present = Case.objects.filter(number__startswith=NUMBER_PREFIX).count()
    facts = CaseFact.objects.count()
    if present == wanted and facts == Case.objects.count() and not options["regenerate"]:
        say(
            f"Reusing the {present:,} petitions generated earlier in {name} "
            "(--regenerate to start over)."
        )
        return
    generate(wanted)


def generate(count: int) -> None:
    from django.contrib.auth import get_user_model

    say(f"Generating {count:,} petitions with COPY (once; later runs reuse)…")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            # CASCADE empties every table that refers to these (timelines, facts,
            # reporters, protection, history rows).
            "TRUNCATE cases_case, reports_reportsnapshot, intake_receptionsession CASCADE"
        )
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"full_name": "Benchmark", "is_active": False}
    )
    generator = Generator()
    recorded_at = timezone.now()
    truncated = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # The generated rows are consistent by construction: skip the per-row foreign key
        # triggers while loading (superuser only; the benchmark database is ours).
        cursor.execute("SET LOCAL session_replication_role = replica")
        raw = cursor.cursor  # psycopg's cursor, for COPY
        sessions, visits = generator.reception(raw)
        events = generator.petitions(raw, 1, count, recorded_at)
        others = generator.protection(raw, 1, count, user.pk)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("cases_case", "intake_receptionsession", "intake_receptionvisit",
                      "protection_protectionrequest"):  # fmt: skip
            cursor.execute(  # our own table names, no input
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        for table in ("cases_case", "cases_caseevent", "reports_casefact",
                      "intake_receptionsession", "intake_receptionvisit"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")
    finished = time.perf_counter()
    details = ", ".join(f"{n:,} {label}" for label, n in others.items())
    say(
        f"Generated {count:,} petitions, {events:,} timeline events, {count:,} report facts, "
        f"{sessions:,} reception sessions, {visits:,} visits, {details} in "
        f"{finished - started:.0f} s (emptying {truncated - started:.0f} s, generating and "
        f"copying {loaded - truncated:.0f} s, vacuum and statistics {finished - loaded:.0f} s)."
    )


def measure(options) -> None:
    period = preset(options["preset"])
    params = {"s": period.start, "e": period.end}
    runs = options["runs"]

    def report():
        figures = report_figures(period)
        return exports.as_json(figures, snapshot_status(period, figures))

    def hand_written():
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, params)
            return cursor.fetchall()

    def bare_scan():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SCAN, params)
            return cursor.fetchone()[0]

    figures = report_figures(period)
    petitions = figures["petitions"]
    rows = bare_scan()
    times = timed(
        {
            "report": report,
            "sql": hand_written,
            "scan": bare_scan,
            "dashboard": lambda: monthly_series(period.end + dt.timedelta(days=1)),
        },
        runs,
    )
    median = {name: statistics.median(values) for name, values in times.items()}
    best = {name: min(values) for name, values in times.items()}
    report_time, sql_time, scan_time = median["report"], median["sql"], median["scan"]
    if options["explain"]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + HAND_WRITTEN, params)
            say("\n".join(row[0] for row in cursor.fetchall()))

    ratio = report_time / sql_time
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    def runs_of(name: str) -> str:
        return ", ".join(f"{t:.3f}" for t in times[name])

    say()
    say(f"Period {period.label}: {rows:,} of the petitions are in it")
    say(
        f"  (carried over {petitions['carried_over']:,}, received {petitions['received']:,}, "
        f"resolved {petitions['resolved']:,}, in progress {petitions['in_progress']:,}, "
        f"overdue {petitions['overdue']:,})"
    )
    say(
        f"Timings over {runs} interleaved rounds, median (best); load average {load:.1f} "
        f"on {os.cpu_count()} CPUs:"
    )
    say(
        f"  one-year report, every figure, JSON:          {report_time:.3f} s "
        f"({best['report']:.3f})  [{runs_of('report')}]"
    )
    say(
        f"  hand-written SQL, same figures, one pass:     {sql_time:.3f} s "
        f"({best['sql']:.3f})  [{runs_of('sql')}]"
    )
    say(f"  for scale, counting those rows alone:         {scan_time:.3f} s ({best['scan']:.3f})")
    say(
        f"  the dashboard's twelve months:                {median['dashboard']:.3f} s "
        f"({best['dashboard']:.3f})"
    )
    say(
        f"Ratio report / hand-written SQL: {ratio:.2f} (best {best['report'] / best['sql']:.2f}"
        f"; goal < 2: {'met' if ratio < 2 else 'NOT met'}). Report under a second: "
        f"{'yes' if report_time < 1 else 'NO'} (median), "
        f"{'yes' if best['report'] < 1 else 'NO'} (best)."
    )
