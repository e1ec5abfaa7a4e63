from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Field
from cases.selectors import CaseFilters


class DateInput(forms.DateInput):
    """dd/mm/yyyy typed as text: a browser's date picker follows the browser's locale, which
    on many office machines is not Vietnamese and would show mm/dd/yyyy."""

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "class": "date",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y")


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Số đơn, nội dung, người bị tố cáo…")}),
    )
    kind = forms.ChoiceField(label=_("Loại đơn"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False, empty_label=_("Tất cả")
    )
    channel = forms.ChoiceField(label=_("Nguồn đơn"), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Cán bộ xác minh"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Tất cả"),
    )
    deadline = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[("", _("Tất cả")), ("overdue", _("Quá hạn")), ("due_soon", _("Sắp đến hạn"))],
    )
    received_from = forms.DateField(label=_("Nhận từ ngày"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("đến ngày"), required=False, widget=DateInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tất cả"))]
        self.fields["kind"].choices = everything + list(Case.Kind.choices)
        self.fields["status"].choices = [
            *everything,
            ("open", _("Đang giải quyết")),
            ("finished", _("Đã kết thúc")),
            *Case.Status.choices,
        ]
        self.fields["channel"].choices = everything + list(Case.Channel.choices)
        if user is not None and user.has_perm("cases.view_all_cases"):
            self.fields["assignee"].queryset = (
                get_user_model()
                .objects.filter(is_active=True, groups__permissions__codename="work_case")
                .distinct()
            )
        else:
            del self.fields["assignee"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return cleaned

    def filters(self) -> CaseFilters:
        if not self.is_valid():
            return CaseFilters()
        data = self.cleaned_data
        assignee = data.get("assignee")
        return CaseFilters(
            q=data["q"],
            kind=data["kind"],
            status=data["status"],
            field=data["field"].pk if data["field"] else None,
            channel=data["channel"],
            assignee=assignee.pk if assignee else None,
            deadline=data["deadline"],
            received_from=data["received_from"],
            received_to=data["received_to"],
        )
