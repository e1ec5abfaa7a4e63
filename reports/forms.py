import contextlib

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from reports import periods

CUSTOM = "custom"


class PeriodForm(forms.Form):
    """The period picker: a preset (cut-off or calendar) or a custom range."""

    preset = forms.CharField(label=_("Kỳ báo cáo"), required=False, widget=forms.Select)
    start = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput)
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        choices = periods.preset_choices(self.today)
        asked = (self.data.get("preset") or "").strip().upper()
        offered = {code for _group, options in choices for code, _label in options}
        if asked and asked not in offered:
            # A preset of an older year, from a link or a bookmark: offer it too.
            with contextlib.suppress(periods.PeriodError):
                choices.append((_("Kỳ đã chọn"), [(asked, periods.preset(asked).label)]))
        choices.append((_("Khác"), [(CUSTOM, _("Tùy chọn khoảng thời gian"))]))
        self.fields["preset"].widget.choices = choices
        self.fields["preset"].widget.attrs["class"] = "js-period-preset"

    def clean_preset(self):
        value = self.cleaned_data["preset"].strip()
        return CUSTOM if value.lower() == CUSTOM else value.upper()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        code, start, end = data.get("preset"), data.get("start"), data.get("end")
        try:
            if code and code != CUSTOM:
                self.period = periods.preset(code)
            elif start and end:
                self.period = periods.custom(start, end)
            elif code == CUSTOM or start or end:
                raise forms.ValidationError(_("Hãy nhập cả ngày bắt đầu và ngày kết thúc."))
            else:
                self.period = periods.current_preset(self.today)
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        return data

    def query(self) -> str:
        """The period as a query string, for export links and redirects."""
        period = self.period
        if period.code:
            return urlencode({"preset": period.code})
        return urlencode(
            {"preset": CUSTOM, "start": period.start.isoformat(), "end": period.end.isoformat()}
        )


class FinalizeForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú khi chốt số liệu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
