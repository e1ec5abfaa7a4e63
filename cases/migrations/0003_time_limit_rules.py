"""The statutory time limits (docs/product.md#the-rule-table), before Law 136/2025/QH15.

A later version of a limit is a new row with a later effective_from (admin or a new data
migration); these rows stay, so past due dates remain explainable.
"""

import datetime

from django.db import migrations

DENUNCIATIONS_2018 = datetime.date(2019, 1, 1)
COMPLAINTS_2011 = datetime.date(2012, 7, 1)
RECEPTION_2013 = datetime.date(2014, 7, 1)
CIRCULAR_05_2021 = datetime.date(2021, 11, 15)

WD, DAYS, YEARS = "working_days", "days", "years"

# kind, step, variant, limit, unit, times, effective_from, source
RULES = [
    (
        "denunciation",
        "handling",
        "standard",
        7,
        WD,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 24 khoản 1",
    ),
    (
        "denunciation",
        "handling",
        "multi_location",
        10,
        WD,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 24 khoản 1 (kiểm tra, xác minh ở nhiều địa điểm)",
    ),
    (
        "denunciation",
        "forward",
        "standard",
        5,
        WD,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 24 khoản 2; chỉ chuyển một lần (Thông tư 05/2021)",
    ),
    (
        "denunciation",
        "notify",
        "standard",
        5,
        WD,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 29 (thông báo thụ lý cho người tố cáo)",
    ),
    (
        "denunciation",
        "resolution",
        "standard",
        30,
        DAYS,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 30 khoản 1",
    ),
    (
        "denunciation",
        "extension",
        "complex",
        30,
        DAYS,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 30 khoản 1 (phức tạp: gia hạn một lần, không quá 30 ngày)",
    ),
    (
        "denunciation",
        "extension",
        "especially_complex",
        30,
        DAYS,
        2,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 30 khoản 1 (đặc biệt phức tạp: gia hạn hai lần, mỗi lần không quá 30 ngày)",
    ),
    (
        "denunciation",
        "follow_up",
        "standard",
        5,
        WD,
        1,
        DENUNCIATIONS_2018,
        "Luật Tố cáo 2018, Điều 38 (tố cáo tiếp khi quá hạn chưa giải quyết)",
    ),
    (
        "complaint",
        "acceptance",
        "standard",
        10,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 27",
    ),
    (
        "complaint",
        "resolution",
        "standard",
        30,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 28",
    ),
    (
        "complaint",
        "resolution",
        "complex",
        45,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 28 (vụ việc phức tạp)",
    ),
    (
        "complaint",
        "resolution",
        "remote",
        45,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 28 (vùng sâu, vùng xa)",
    ),
    (
        "complaint",
        "resolution",
        "remote_complex",
        60,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 28 (vùng sâu, vùng xa, phức tạp)",
    ),
    (
        "complaint",
        "resolution_second",
        "standard",
        45,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 37",
    ),
    (
        "complaint",
        "resolution_second",
        "complex",
        60,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 37 (vụ việc phức tạp)",
    ),
    (
        "complaint",
        "resolution_second",
        "remote",
        60,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 37 (vùng sâu, vùng xa)",
    ),
    (
        "complaint",
        "resolution_second",
        "remote_complex",
        70,
        DAYS,
        1,
        COMPLAINTS_2011,
        "Luật Khiếu nại 2011, Điều 37 (vùng sâu, vùng xa, phức tạp)",
    ),
    (
        "recommendation",
        "handling",
        "standard",
        10,
        WD,
        1,
        RECEPTION_2013,
        "Luật Tiếp công dân 2013, Điều 28",
    ),
    (
        "feedback",
        "handling",
        "standard",
        10,
        WD,
        1,
        RECEPTION_2013,
        "Luật Tiếp công dân 2013, Điều 28",
    ),
    (
        "",
        "retention",
        "standard",
        1,
        YEARS,
        1,
        CIRCULAR_05_2021,
        "Thông tư 05/2021/TT-TTCP, Điều 28 (lưu đơn không đủ điều kiện, Thủ trưởng quyết định tiêu hủy)",
    ),
]


def load(apps, schema_editor):
    TimeLimitRule = apps.get_model("cases", "TimeLimitRule")
    for kind, step, variant, limit, unit, times, effective_from, source in RULES:
        TimeLimitRule.objects.update_or_create(
            kind=kind,
            step=step,
            variant=variant,
            effective_from=effective_from,
            defaults={"limit": limit, "unit": unit, "times": times, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_fields")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
