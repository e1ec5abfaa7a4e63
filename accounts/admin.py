from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import fold

# Django names the permissions it creates for every model in English, in the database ("Can add
# vụ việc"); the lists of permissions show them in the words of the interface instead.
PERMISSION_ACTIONS = {"add": _("Thêm"), "change": _("Sửa"), "delete": _("Xóa"), "view": _("Xem")}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    # simple_history's tables name themselves "historical <name>", in English.
    recorded = getattr(model, "instance_type", None)
    subject = (
        _("lịch sử %(model)s") % {"model": recorded._meta.verbose_name}
        if recorded is not None
        else model._meta.verbose_name
    )
    action, _sep, model_name = permission.codename.partition("_")
    name = (
        f"{PERMISSION_ACTIONS[action]} {subject}"
        if action in PERMISSION_ACTIONS and model_name == model._meta.model_name
        else permission.name
    )
    return f"{model._meta.app_config.verbose_name} | {subject} | {name}"


class NamesPermissions:
    permission_fields = ()

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in self.permission_fields:
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in self.permission_fields:
            formfield.label_from_instance = permission_label
        return formfield


@admin.register(User)
class UserAdmin(NamesPermissions, BaseUserAdmin):
    list_display = ("username", "full_name", "title", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "title", "email")}),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "title", "password1", "password2", "groups"),
            },
        ),
    )
    filter_horizontal = ("groups", "user_permissions")
    permission_fields = ("user_permissions",)

    def get_search_results(self, request, queryset, search_term):
        """Search as Vietnamese is typed on any keyboard: "binh" finds "Trần Văn Bình", and
        "Bình" finds "binh@..." too.

        The names are folded in Python over the staff list, which is a few hundred rows at
        most: the same on SQLite and PostgreSQL, with no database extension or extra column.
        Every word typed must appear in the username, the name or the e-mail address.
        """
        words = fold(search_term).split()
        if not words:
            return queryset, False
        matching = [
            pk
            for pk, *texts in queryset.values_list("pk", *self.search_fields)
            if all(word in fold(" ".join(filter(None, texts))) for word in words)
        ]
        return queryset.filter(pk__in=matching), False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(NamesPermissions, BaseGroupAdmin):
    permission_fields = ("permissions",)
