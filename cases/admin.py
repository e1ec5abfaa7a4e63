"""Django admin for administrators: users' case assignments, lookup tables, time limits.

It shows case metadata only: no summary, content, accused, and nothing about reporters.
Assignments made here go through cases.services, so they are checked against conflicts of
interest and written on the case's timeline like any other.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from cases import services
from cases.models import (
    Assignment,
    CalendarOverride,
    Case,
    CaseConflict,
    Field,
    TimeLimitRule,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "position", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name", "code")


class RecomputesDeadlines:
    """After a rule or a calendar day changes, the stored due dates of every case still under
    way follow, and the administrator is told how many moved."""

    def recompute(self, request, reason: str) -> None:
        result = services.deadlines_recompute_open_cases(by=request.user, reason=reason)
        self.message_user(
            request,
            ngettext(
                "Đã tính lại hạn của %(changed)d vụ việc (trong %(checked)d vụ việc đang "
                "giải quyết).",
                "Đã tính lại hạn của %(changed)d vụ việc (trong %(checked)d vụ việc đang "
                "giải quyết).",
                result.changed,
            )
            % {"changed": result.changed, "checked": result.checked},
            messages.INFO,
        )
        if result.without_rule:
            self.message_user(
                request,
                _(
                    "Không có thời hạn nào đang có hiệu lực áp dụng cho %(count)d vụ việc "
                    "(%(numbers)s): hạn của chúng được giữ nguyên. Hãy bổ sung thời hạn còn thiếu."
                )
                % {
                    "count": len(result.without_rule),
                    "numbers": ", ".join(result.without_rule[:20]),
                },
                messages.ERROR,
            )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.recompute(request, _("Thay đổi: %(object)s") % {"object": obj})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.recompute(request, _("Xóa: %(object)s") % {"object": obj})

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.recompute(request, _("Xóa điều chỉnh lịch làm việc"))


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(RecomputesDeadlines, SimpleHistoryAdmin):
    list_display = ("kind", "step", "variant", "limit", "unit", "times", "effective_from", "source")
    list_filter = ("kind", "step", "unit", "effective_from")
    ordering = ("kind", "step", "variant", "-effective_from")

    def has_delete_permission(self, request, obj=None):
        # A rule that applied once must stay, or past due dates could not be explained.
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RecomputesDeadlines, admin.ModelAdmin):
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if form.instance.pk:
                continue
            user = form.cleaned_data.get("user")
            if user is None:
                continue
            conflict = CaseConflict.objects.filter(case=self.instance, user=user).first()
            if conflict:
                raise ValidationError(
                    _("Không thể giao %(user)s: %(reason)s.")
                    % {"user": user, "reason": conflict.get_reason_display().lower()}
                )
            if not user.has_perm("cases.work_case"):
                raise ValidationError(_("%(user)s không phải cán bộ xác minh.") % {"user": user})
            if self.instance.status not in (Case.Status.ACCEPTED, Case.Status.VERIFYING):
                raise ValidationError(_("Chỉ phân công xác minh vụ việc đã thụ lý."))


class AssignmentInline(admin.TabularInline):
    model = Assignment
    formset = AssignmentInlineFormSet
    fk_name = "case"
    fields = ("user", "is_lead", "assigned_on", "assigned_by")
    readonly_fields = ("assigned_on", "assigned_by")
    autocomplete_fields = ("user",)
    extra = 0


class CaseConflictInline(admin.TabularInline):
    model = CaseConflict
    fk_name = "case"
    fields = ("user", "reason", "note", "declared_by")
    readonly_fields = ("declared_by",)
    autocomplete_fields = ("user",)
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    # Metadata only: the administrator never sees what a petition says or who sent it.
    list_display = ("number", "kind", "channel", "field", "received_on", "status", "next_due")
    list_filter = (
        "kind",
        "status",
        "channel",
        "field",
        "year",
        ("assignees", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("field",)
    search_fields = ("number",)
    date_hierarchy = "received_on"
    fields = (
        "number",
        "kind",
        "channel",
        "field",
        "received_on",
        "status",
        "decision",
        "decision_on",
        "handling_due",
        "resolution_due",
        "next_due",
        "registered_by",
    )
    readonly_fields = fields
    inlines = (AssignmentInline, CaseConflictInline)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Every field of the case is read-only here; only the inlines change anything.
        pass

    def save_formset(self, request, form, formset, change):
        case = form.instance
        # The admin's change message reads these; the services below do the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Assignment:
            for deleted_form in formset.deleted_forms:
                if deleted_form.instance.pk:
                    services.case_unassign(
                        case=case,
                        user=deleted_form.instance.user,
                        by=request.user,
                        note=_("Quản trị hệ thống"),
                    )
                    formset.deleted_objects.append(deleted_form.instance)
            for inline_form in formset.forms:
                if inline_form in formset.deleted_forms or not inline_form.has_changed():
                    continue
                data = inline_form.cleaned_data
                if inline_form.instance.pk:
                    Assignment.objects.filter(pk=inline_form.instance.pk).update(
                        is_lead=data["is_lead"]
                    )
                    continue
                try:
                    formset.new_objects.append(
                        services.case_assign(
                            case=case, user=data["user"], by=request.user, is_lead=data["is_lead"]
                        )
                    )
                except services.ProcedureError as error:
                    self.message_user(request, "; ".join(error.messages), messages.ERROR)
        elif formset.model is CaseConflict:
            for inline_form in formset.forms:
                if inline_form.instance.pk or not inline_form.has_changed():
                    continue
                data = inline_form.cleaned_data
                try:
                    formset.new_objects.append(
                        services.case_declare_conflict(
                            case=case,
                            user=data["user"],
                            reason=data["reason"],
                            by=request.user,
                            note=data.get("note", ""),
                        )
                    )
                except services.ProcedureError as error:
                    self.message_user(request, "; ".join(error.messages), messages.ERROR)
        else:
            super().save_formset(request, form, formset, change)
