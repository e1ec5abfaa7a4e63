from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permissions of which any opens it; empty means every signed-in user)
NAVIGATION = [
    ("home", _("Tổng quan"), ()),
    (
        "cases:list",
        _("Vụ việc"),
        ("cases.view_all_cases", "cases.register_case", "cases.work_case"),
    ),
    ("intake:register", _("Tiếp nhận đơn"), ("cases.register_case",)),
    ("intake:sessions", _("Tiếp công dân"), ("intake.log_reception",)),
    ("reports:report", _("Báo cáo"), ("reports.view_reports",)),
    (
        "protection:request_list",
        _("Bảo vệ"),
        ("protection.record_protection", "protection.decide_protection"),
    ),
    (
        "protection:access_requests",
        _("Đề nghị xem danh tính"),
        ("protection.decide_identity_access", "protection.request_identity_access"),
    ),
    ("protection:access_log", _("Nhật ký danh tính"), ("protection.view_access_log",)),
]


def navigation(request):
    """The menu entries the signed-in user's permissions open, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for url_name, label, permissions in NAVIGATION:
        if permissions and not any(user.has_perm(p) for p in permissions):
            continue
        url = reverse(url_name)
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Quản trị"), "active": False})
    return {"nav_items": items}
