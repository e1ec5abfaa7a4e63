"""Django admin for administrators: users' case assignments, lookup tables, time limits.

It shows case metadata only: no summary, content, accused, and nothing about reporters.
Assignments made here go through cases.services, so they are checked against conflicts of
interest and written on the case's timeline like any other.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
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


@dataclass(frozen=True)
class AssignmentChange:
    """One edited row of the assignments inline, as the service call that carries it out."""

    form: forms.ModelForm
    action: str  # "remove", "change" or "add": which list of the admin's change message
    run: Callable[..., Assignment | None]


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    """The assignments of a case, changed only through the assignment services.

    Validation runs the services in a savepoint and rolls it back, so a refusal (a conflict of
    interest, someone who is not a verifier, a case not under verification) shows in the form,
    in the services' own words, and their rules are not written a second time here.
    """

    by = None  # the administrator: AssignmentInline.get_formset sets it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Whom each existing row named before the edit: validation puts the new choice on the
        # row's instance.
        self.assigned_before = {row.pk: row.user for row in self.get_queryset()}

    def changes(self) -> list[AssignmentChange]:
        """The edits as service calls, in the order they must run: who leaves, whose row names
        someone else (or changes who leads), who joins."""
        leaving, changed, joining = [], [], []
        for form in self.forms:
            before = self.assigned_before.get(form.instance.pk)
            if self._should_delete_form(form):
                if before is not None:
                    run = partial(services.case_unassign, user=before)
                    leaving.append(AssignmentChange(form, "remove", run))
                continue
            if not form.has_changed():
                continue
            user, is_lead = form.cleaned_data["user"], form.cleaned_data["is_lead"]
            if before is not None:
                run = partial(services.case_reassign, user=before, to=user, is_lead=is_lead)
                changed.append(AssignmentChange(form, "change", run))
            else:
                run = partial(services.case_assign, user=user, is_lead=is_lead)
                joining.append(AssignmentChange(form, "add", run))
        return [*leaving, *changed, *joining]

    def apply(self, change: AssignmentChange, by) -> Assignment | None:
        # A fresh copy each time: the services lock, reload and change the case they are given.
        case = Case.objects.get(pk=self.instance.pk)
        return change.run(case=case, by=by, note=_("Quản trị hệ thống"))

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # Locked until the admin's transaction (the whole request) ends, so the changes that
        # pass here still pass when save_formset makes them.
        Case.objects.select_for_update().filter(pk=self.instance.pk).first()
        refusals = []
        with transaction.atomic():
            for change in self.changes():
                try:
                    self.apply(change, self.by)
                except services.ProcedureError as refusal:
                    refusals.extend(refusal.messages)
            transaction.set_rollback(True)
        if refusals:
            raise ValidationError(refusals)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    formset = AssignmentInlineFormSet
    fk_name = "case"
    fields = ("user", "is_lead", "assigned_on", "assigned_by_name")
    readonly_fields = ("assigned_on", "assigned_by_name")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "assigned_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user
        return formset

    @admin.display(description=_lazy("người giao"))
    def assigned_by_name(self, assignment):
        return assignment.assigned_by


class CaseConflictInline(admin.TabularInline):
    model = CaseConflict
    fk_name = "case"
    fields = ("user", "reason", "note", "declared_by_name")
    readonly_fields = ("declared_by_name",)
    autocomplete_fields = ("user",)
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_lazy("người ghi nhận"))
    def declared_by_name(self, conflict):
        return conflict.declared_by


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
            # Validation tried these on the case it has kept locked since (see clean).
            for change in formset.changes():
                assignment = formset.apply(change, request.user)
                if change.action == "remove":
                    formset.deleted_objects.append(change.form.instance)
                elif change.action == "change":
                    formset.changed_objects.append((assignment, change.form.changed_data))
                else:
                    formset.new_objects.append(assignment)
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
