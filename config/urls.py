from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language

from config import views

admin.site.site_header = gettext_lazy("Quản trị hệ thống theo dõi đơn thư")
admin.site.site_title = gettext_lazy("Quản trị")
admin.site.index_title = gettext_lazy("Người dùng, danh mục, phân công")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("cases/", include("cases.urls")),
    path("intake/", include("intake.urls")),
    path("protection/", include("protection.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
