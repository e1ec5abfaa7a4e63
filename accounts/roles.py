"""The five roles of docs/product.md#users-and-roles as permission bundles.

Code checks permissions, never group names: the groups are what an administrator assigns, and
their Vietnamese names may be edited in the admin without breaking anything.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    group_name: str
    permissions: tuple[str, ...]  # "app_label.codename"
    is_staff: bool = False


INTAKE = Role(
    code="intake",
    group_name="Cán bộ tiếp dân, xử lý đơn",
    permissions=(
        "cases.register_case",
        "cases.view_intake_queue",
        "cases.propose_handling",
        "cases.export_cases",
        "intake.log_reception",
        "protection.request_identity_access",
        "protection.record_protection",
        "reports.view_reports",
    ),
)
VERIFIER = Role(
    code="verifier",
    group_name="Cán bộ xác minh",
    permissions=(
        "cases.work_case",
        "cases.export_cases",
        "protection.request_identity_access",
    ),
)
HEAD = Role(
    code="head",
    group_name="Lãnh đạo (Chánh Thanh tra, Thủ trưởng)",
    permissions=(
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
    ),
)
AUDITOR = Role(
    code="auditor",
    group_name="Giám sát",
    permissions=(
        "protection.view_access_log",
        "reports.view_reports",
    ),
)
ADMINISTRATOR = Role(
    code="administrator",
    group_name="Quản trị hệ thống",
    permissions=(
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
    ),
    is_staff=True,
)

ROLES = (INTAKE, VERIFIER, HEAD, AUDITOR, ADMINISTRATOR)
