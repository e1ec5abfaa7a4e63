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
        items.append({"url": reverse(url_name), "label": label, "active": False})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Quản trị"), "active": False})
    # The entry whose address is the longest start of this page's is the current one, so
    # /protection/access-log/ marks "Nhật ký danh tính", not also "Bảo vệ" (/protection/).
    matches = [
        item
        for item in items
        if request.path == item["url"]
        or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
