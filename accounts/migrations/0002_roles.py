"""The five role groups (docs/product.md#users-and-roles) with their permissions (frozen copy
of accounts.roles)."""

from django.db import migrations

from accounts.role_sync import sync_roles

ROLES = [
    {
        "group_name": "Cán bộ tiếp dân, xử lý đơn",
        "permissions": [
            "cases.register_case",
            "cases.view_intake_queue",
            "cases.propose_handling",
            "cases.export_cases",
            "intake.log_reception",
            "protection.request_identity_access",
            "protection.record_protection",
            "reports.view_reports",
        ],
    },
    {
        "group_name": "Cán bộ xác minh",
        "permissions": [
            "cases.work_case",
            "cases.export_cases",
            "protection.request_identity_access",
        ],
    },
    {
        "group_name": "Lãnh đạo (Chánh Thanh tra, Thủ trưởng)",
        "permissions": [
            "cases.register_case",
            "cases.view_intake_queue",
            "cases.view_all_cases",
            "cases.propose_handling",
            "cases.decide_case",
            "cases.assign_case",
            "cases.work_case",
            "cases.import_cases",
            "cases.export_cases",
            "intake.log_reception",
            "protection.reveal_identity_any",
            "protection.decide_identity_access",
            "protection.view_access_log",
            "protection.record_protection",
            "protection.decide_protection",
            "reports.view_reports",
            "reports.finalize_report",
        ],
    },
    {
        "group_name": "Giám sát",
        "permissions": ["protection.view_access_log", "reports.view_reports"],
    },
    {
        "group_name": "Quản trị hệ thống",
        "permissions": [
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_user",
            "auth.add_group",
            "auth.change_group",
            "auth.view_group",
            "cases.add_field",
            "cases.change_field",
            "cases.delete_field",
            "cases.view_field",
            "cases.add_timelimitrule",
            "cases.change_timelimitrule",
            "cases.view_timelimitrule",
            "cases.add_calendaroverride",
            "cases.change_calendaroverride",
            "cases.delete_calendaroverride",
            "cases.view_calendaroverride",
            "cases.view_case",
            "cases.change_case",
            "cases.add_assignment",
            "cases.change_assignment",
            "cases.delete_assignment",
            "cases.view_assignment",
            "cases.add_caseconflict",
            "cases.change_caseconflict",
            "cases.view_caseconflict",
        ],
    },
]


def load(apps, schema_editor):
    sync_roles(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0003_time_limit_rules"),
        ("intake", "0001_initial"),
        ("protection", "0001_initial"),
        ("reports", "0001_initial"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
