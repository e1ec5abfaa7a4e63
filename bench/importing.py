"""python -m bench import [--rows 10000] [--format csv|xlsx] [--keep] [--through-services]
    [--baseline-rows N] [--save FILE]

Generates a realistic import file (every kind, channel and outcome, reporters with identities,
anonymous petitions) and times validating and importing it on the configured database. Unless
--keep is given, the import runs in a transaction that is rolled back, so the database is left as
it was; with --keep the rows stay and the time includes the commit. --through-services times the
reference path instead, every row replayed through the services one step at a time;
--baseline-rows N times that path as well, on the first N rows, and prints the ratio.
"""

import csv
import datetime as dt
import io
import os
import random
import sys
import time

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from bench import BenchError
from cases.models import Case, Field
from intake import importing

HELP = "Đo thời gian nhập một tệp đơn sinh ngẫu nhiên (mặc định 10.000 dòng)."
OUTCOMES = [
    # (decision, weight)
    ("", 8),
    ("accepted", 45),
    ("forwarded", 12),
    ("guided", 15),
    ("returned", 5),
    ("filed", 10),
    ("urged", 5),
]
KINDS = [("denunciation", 25), ("complaint", 25), ("recommendation", 30), ("feedback", 20)]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Thanh Hải", "Ngọc Lan"]


def generate_rows(count: int, *, seed: int = 2026, today: dt.date | None = None) -> list[dict]:
    """`count` valid rows whose dates all lie in the past, none already in any database."""
    rng = random.Random(seed)  # noqa: S311 -- test data, reproducible on purpose
    today = today or timezone.localdate()
    first = dt.date(2023, 1, 2)
    span = (today - first).days - 120
    fields = list(Field.objects.values_list("code", flat=True)) or ["other"]
    # Differs between runs, so a second run with --keep is not skipped as already imported.
    run = f"{time.time_ns() % 10**12:x}"
    rows = []
    for index in range(count):
        kind = rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
        channel = rng.choice(Case.Channel.values)
        received_on = first + dt.timedelta(days=rng.randrange(span))
        anonymous = rng.random() < 0.05
        decision = rng.choices([d for d, _w in OUTCOMES], [w for _d, w in OUTCOMES])[0]
        # What the procedure refuses (cases/procedure.py, check_decision_allowed), in this
        # order so that the second rule's "guided" never lands on an anonymous petition:
        if decision == "forwarded" and kind == "denunciation" and channel == "forwarded":
            decision = "guided"  # a denunciation forwarded to us is not forwarded again
        if anonymous and decision in ("accepted", "guided", "returned"):
            decision = "filed"  # no sender to accept, guide or return to
        row = dict.fromkeys(importing.COLUMNS, "")
        row.update(
            kind=kind,
            channel=channel,
            field=rng.choice(fields),
            received_on=received_on.isoformat(),
            summary=f"Đơn thử nghiệm {run} số {index + 1}: phản ánh về thông tin trên mạng",
            accused=rng.choice(["", "Công ty TNHH Truyền thông Số", "Chủ tài khoản “Tin nóng”"]),
            corruption_related=rng.choice(["true", "false", "có", "không", "1", "0"]),
            anonymous="true" if anonymous else "false",
        )
        if not anonymous:
            row.update(
                reporter_name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                reporter_id_number=f"0{rng.randrange(10**10, 10**11)}",
                reporter_phone=f"09{rng.randrange(10**7, 10**8)}",
                reporter_address=f"Số {rng.randint(1, 300)} đường Lý Thường Kiệt, Cà Mau",
                reporter_email=f"nguoi{index}@example.vn" if rng.random() < 0.3 else "",
            )
        if decision:
            decision_on = received_on + dt.timedelta(days=rng.randint(1, 12))
            row.update(decision=decision, decision_on=decision_on.strftime("%d/%m/%Y"))
            if decision in ("forwarded", "guided", "returned", "filed"):
                row["resolved_on"] = decision_on.isoformat()
            if decision == "accepted":
                complex_kind = kind in ("complaint", "denunciation")
                if complex_kind and rng.random() < 0.1:
                    row["extension"] = (
                        "especially_complex"
                        if kind == "denunciation" and rng.random() < 0.3
                        else "complex"
                    )
                roll = rng.random()
                if roll < 0.05:
                    row["withdrawn_on"] = (decision_on + dt.timedelta(days=5)).isoformat()
                elif roll < 0.85:
                    row["resolved_on"] = (
                        decision_on + dt.timedelta(days=rng.randint(15, 60))
                    ).isoformat()
                    if complex_kind:
                        row["finding"] = rng.choice(Case.Finding.values)
        rows.append(row)
    return rows


def rows_to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def rows_to_xlsx(rows: list[dict]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(importing.COLUMNS))
    for row in rows:
        sheet.append([row[name] for name in importing.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def say(text: str = "") -> None:
    print(text, flush=True)


def add_arguments(parser) -> None:
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--keep", action="store_true", help="Giữ lại các đơn đã nhập.")
    parser.add_argument("--save", metavar="FILE", help="Lưu tệp đã sinh ra để dùng lại.")
    parser.add_argument(
        "--through-services",
        action="store_true",
        help="Đo cách nhập cũ: từng dòng qua các service, từng bước một (để so sánh).",
    )
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=0,
        metavar="N",
        help=(
            "Sau đó đo N dòng đầu qua các service từng bước (đường tham chiếu) trong cùng "
            "lần chạy và in tỉ lệ tốc độ."
        ),
    )


def run(
    *,
    rows: int = 10_000,
    format: str = "csv",
    keep: bool = False,
    save: str | None = None,
    through_services: bool = False,
    baseline_rows: int = 0,
) -> None:
    data_rows = generate_rows(rows)
    data = rows_to_csv(data_rows) if format == "csv" else rows_to_xlsx(data_rows)
    if save:
        with open(save, "wb") as handle:
            handle.write(data)
    vendor = connection.vendor
    say(
        f"{rows} dòng {format.upper()} ({len(data) / 1024 / 1024:.1f} MB) trên {vendor} "
        f"({connection.settings_dict['NAME']})"
        + (", qua các service từng dòng" if through_services else "")
    )

    # As in production: with DEBUG on, Django also keeps a log of every query.
    with override_settings(DEBUG=False):
        seconds = measure(data, rows, keep, through_services)
        if baseline_rows:
            sample = data_rows[:baseline_rows]
            say(f"Đường tham chiếu: {len(sample)} dòng đầu, qua các service từng bước…")
            reference = measure(rows_to_csv(sample), len(sample), False, True)
            fast, slow = rows / seconds, len(sample) / reference
            say(
                f"Tỉ lệ: {fast:.0f} / {slow:.0f} dòng/giây = nhanh gấp {fast / slow:.1f} "
                "lần đường qua các service (đo trong cùng lần chạy)."
            )


def measure(data: bytes, rows: int, keep: bool, through_services: bool) -> float:
    """Seconds taken to check and import `data`; BenchError when the file or a row is refused."""
    started, cpu = time.monotonic(), time.process_time()
    plan = importing.plan_import(data)
    checked = time.monotonic()
    if not plan.is_valid:
        refused(plan.errors, "Tệp sinh ra không hợp lệ")

    def progress(done: int, total: int) -> None:
        say(f"  {done}/{total} ({done / (time.monotonic() - checked):.0f}/s)")

    importer = importing._run_import_through_services if through_services else importing.run_import
    try:
        with transaction.atomic():
            importer(plan, source="bench", progress=progress, progress_every=1000)
            if not keep:
                transaction.set_rollback(True)
    except importing.ImportFailed as error:
        refused(error.errors, "Thủ tục từ chối một dòng sinh ra")
    finished = time.monotonic()

    total = finished - started
    say(
        f"kiểm tra: {checked - started:.1f} s; nhập: {finished - checked:.1f} s; "
        f"tổng: {total:.1f} s = {rows / total:.0f} dòng/giây "
        f"({'đã giữ lại' if keep else 'đã hoàn tác'}); "
        f"CPU của tiến trình: {time.process_time() - cpu:.1f} s; "
        f"tải máy (1 phút): {os.getloadavg()[0]:.1f}"
    )
    return total


def refused(errors, what: str):
    for error in errors[:20]:
        print(str(error), file=sys.stderr)
    raise BenchError(f"{what}; dừng (lỗi của bộ sinh dữ liệu trong bench/importing.py).")
