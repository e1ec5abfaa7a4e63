from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import get_random_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from protection.identity import identity_problems
from protection.models import (
    IDENTITY_FIELDS,
    ProtectedPerson,
    ProtectionMeasure,
    ProtectionRequest,
    Reporter,
)
from protection.selectors import LogFilters, ProtectionFilters
from protection.services import MeasureData, PersonData, ReporterData

REASON_HELP = _(
    "Không ghi họ tên, địa chỉ hay thông tin nhận diện người gửi đơn vào lý do: lý do được "
    "lưu trong nhật ký truy cập danh tính."
)

# --- One-time form tokens -------------------------------------------------------------------

TOKEN_SALT = "protection.identity-form"  # noqa: S105 (a namespace, not a secret)
TOKEN_MAX_AGE = 30 * 60


def form_token(*, user, case, purpose: str) -> str:
    """A signed, single-use token tying a reveal form to its user, case and purpose; the
    reveal stores its nonce, so the same form posted again shows nothing."""
    return signing.dumps(
        {"u": user.pk, "c": case.pk, "p": purpose, "n": get_random_string(32)}, salt=TOKEN_SALT
    )


def token_nonce(token: str, *, user, case, purpose: str) -> str | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk or data.get("c") != case.pk or data.get("p") != purpose:
        return None
    return data.get("n")


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Lý do"))
        kwargs.setdefault("min_length", 10)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("help_text", REASON_HELP)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)


class RevealForm(forms.Form):
    """Hiện danh tính: which fields, and why."""

    fields_shown = forms.MultipleChoiceField(
        label=_("Thông tin cần xem"),
        widget=forms.CheckboxSelectMultiple,
        # Lazy labels: translated when the form is shown, in the user's language.
        choices=[
            (name, capfirst(Reporter._meta.get_field(name).verbose_name))
            for name in IDENTITY_FIELDS
        ],
        initial=list(IDENTITY_FIELDS),
    )
    reason = ReasonField(label=_("Lý do cần xem danh tính"))
    token = forms.CharField(widget=forms.HiddenInput)


class CorrectionOpenForm(forms.Form):
    reason = ReasonField(label=_("Lý do đính chính"))
    token = forms.CharField(widget=forms.HiddenInput)


class ReporterCorrectionForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    id_number = forms.CharField(label=_("Số CCCD/CMND"), max_length=30, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    email = forms.CharField(
        label=_("Thư điện tử"), max_length=254, required=False, widget=forms.EmailInput
    )
    reason = forms.CharField(widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        problems = identity_problems(
            full_name=cleaned.get("full_name") or "",
            id_number=cleaned.get("id_number") or "",
            phone=cleaned.get("phone") or "",
            email=cleaned.get("email") or "",
        )
        for name, problem in problems.items():
            self.add_error(name, problem)
        return cleaned

    def data_object(self, *, is_representative: bool) -> ReporterData:
        data = self.cleaned_data
        return ReporterData(
            full_name=data["full_name"],
            id_number=data["id_number"],
            phone=data["phone"],
            address=data["address"],
            email=data["email"],
            is_representative=is_representative,
        )


class AccessRequestForm(forms.Form):
    reason = ReasonField(
        label=_("Lý do cần xem danh tính"),
        help_text=_(
            "Lãnh đạo xem lý do này để quyết định; lý do hiện trên diễn biến vụ việc. Không ghi "
            "thông tin nhận diện người gửi đơn."
        ),
    )


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("grant", _("Đồng ý cho xem")), ("refuse", _("Từ chối"))],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=_("Được xem trong (ngày)"),
        min_value=1,
        max_value=90,
        required=False,
        help_text=_("Chỉ khi đồng ý. Hết thời hạn, người đề nghị không xem được nữa."),
    )
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.IDENTITY_ACCESS_DAYS


class AccessLogFilterForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput)
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput)
    user = forms.ModelChoiceField(
        label=_("Cán bộ"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Tất cả"),
    )
    case_number = forms.CharField(label=_("Số đơn"), required=False, max_length=50)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return cleaned

    def filters(self) -> LogFilters:
        if not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        return LogFilters(
            start=data["start"],
            end=data["end"],
            user_id=data["user"].pk if data["user"] else None,
            case_number=data["case_number"],
        )


# --- Protection ---------------------------------------------------------------------------


class ProtectionRequestForm(forms.Form):
    received_on = forms.DateField(label=_("Ngày nhận đề nghị"), widget=DateInput)
    channel = forms.ChoiceField(label=_("Hình thức"), choices=ProtectionRequest.Channel.choices)
    written_followup_on = forms.DateField(
        label=_("Ngày nhận văn bản bổ sung"),
        required=False,
        widget=DateInput,
        help_text=_("Đề nghị khẩn cấp qua điện thoại phải được bổ sung bằng văn bản."),
    )
    reason = forms.CharField(
        label=_("Lý do đề nghị"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_measures = forms.MultipleChoiceField(
        label=_("Biện pháp bảo vệ được đề nghị"),
        choices=ProtectionMeasure.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ProtectedPersonForm(forms.Form):
    # Blank by default: a row whose relation is left blank is an unused row, not a person.
    relation = forms.ChoiceField(
        label=_("Người cần bảo vệ"),
        choices=[("", "—"), *ProtectedPerson.Relation.choices],
        required=False,
    )
    reporter = forms.ModelChoiceField(
        label=_("Là / là người thân của"),
        queryset=Reporter.objects.none(),
        empty_label=None,
        required=False,
    )
    full_name = forms.CharField(
        label=_("Họ và tên người thân"),
        max_length=200,
        required=False,
        help_text=_("Bỏ trống khi người cần bảo vệ là chính người tố cáo."),
    )
    id_number = forms.CharField(label=_("Số CCCD/CMND"), max_length=30, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            # Only positions are read: the choice labels are pseudonyms, never names.
            self.fields["reporter"].queryset = (
                Reporter.objects.filter(case=case)
                .only("pk", "position", "case_id", "case__kind")
                .select_related("case")
            )
            self.fields["reporter"].label_from_instance = lambda r: r.pseudonym

    @property
    def is_person(self) -> bool:
        return bool(self.cleaned_data.get("relation"))

    def clean(self):
        cleaned = super().clean()
        relation = cleaned.get("relation")
        typed = any(cleaned.get(name) for name in ("full_name", "id_number", "phone", "address"))
        if not relation:
            if typed:
                self.add_error("relation", _("Hãy chọn quan hệ của người cần bảo vệ."))
            return cleaned
        if cleaned.get("reporter") is None:
            self.add_error("reporter", _("Hãy chọn người tố cáo."))
        is_relative = relation != ProtectedPerson.Relation.REPORTER
        if is_relative and not (cleaned.get("full_name") or "").strip():
            self.add_error("full_name", _("Hãy ghi họ và tên người thân cần được bảo vệ."))
        if is_relative:
            problems = identity_problems(
                full_name=cleaned.get("full_name") or "",
                id_number=cleaned.get("id_number") or "",
                phone=cleaned.get("phone") or "",
                name_required=False,
            )
            for name, problem in problems.items():
                self.add_error(name, problem)
        return cleaned

    def data_object(self) -> PersonData:
        data = self.cleaned_data
        own = data["relation"] == ProtectedPerson.Relation.REPORTER
        return PersonData(
            relation=data["relation"],
            reporter=data["reporter"],
            full_name="" if own else data["full_name"],
            id_number="" if own else data["id_number"],
            phone="" if own else data["phone"],
            address="" if own else data["address"],
        )


class BasePersonFormSet(forms.BaseFormSet):
    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "case": self.case}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            case=self.case,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


PersonFormSet = forms.formset_factory(ProtectedPersonForm, formset=BasePersonFormSet, extra=1)


class MeasureForm(forms.Form):
    # Blank by default, so an unused row of the decision's formset is left out.
    kind = forms.ChoiceField(
        label=_("Biện pháp"), choices=[("", "—"), *ProtectionMeasure.Kind.choices], required=False
    )
    carried_out_by = forms.CharField(
        label=_("Cơ quan, người thực hiện"), max_length=300, required=False
    )
    started_on = forms.DateField(label=_("Ngày bắt đầu"), widget=DateInput, required=False)
    ended_on = forms.DateField(label=_("Ngày kết thúc (dự kiến)"), required=False, widget=DateInput)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @property
    def is_measure(self) -> bool:
        return bool(self.cleaned_data.get("kind"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kind"):
            # A lone form (adding one measure) must name one; a formset's blank row is unused.
            typed = any(cleaned.get(n) for n in ("carried_out_by", "started_on", "ended_on"))
            if typed or not self.empty_permitted:
                self.add_error("kind", _("Hãy chọn biện pháp bảo vệ."))
            return cleaned
        if not (cleaned.get("carried_out_by") or "").strip():
            self.add_error("carried_out_by", _("Hãy ghi cơ quan, người thực hiện."))
        if not cleaned.get("started_on"):
            self.add_error("started_on", _("Hãy ghi ngày bắt đầu."))
        return cleaned

    def data_object(self) -> MeasureData:
        data = self.cleaned_data
        return MeasureData(
            kind=data["kind"],
            carried_out_by=data["carried_out_by"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            note=data["note"],
        )


MeasureFormSet = forms.formset_factory(MeasureForm, extra=1)


class ProtectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("grant", _("Áp dụng biện pháp bảo vệ")), ("refuse", _("Không áp dụng"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DateInput)
    document_number = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi không áp dụng biện pháp bảo vệ."),
    )


class WrittenFollowupForm(forms.Form):
    on = forms.DateField(label=_("Ngày nhận văn bản bổ sung"), widget=DateInput)


class MeasureEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ngày kết thúc"), widget=DateInput)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class ProtectionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ngày chấm dứt"), widget=DateInput)
    reason = forms.CharField(
        label=_("Lý do chấm dứt"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RetaliationForm(forms.Form):
    reported_on = forms.DateField(label=_("Ngày phản ánh"), widget=DateInput)
    protection_request = forms.ModelChoiceField(
        label=_("Thuộc đề nghị bảo vệ"),
        queryset=ProtectionRequest.objects.none(),
        required=False,
        empty_label=_("Không"),
    )
    description = forms.CharField(
        label=_("Sự việc"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    action_taken = forms.CharField(
        label=_("Biện pháp đã xử lý"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["protection_request"].queryset = ProtectionRequest.objects.filter(case=case)


class RetaliationUpdateForm(forms.Form):
    action_taken = forms.CharField(
        label=_("Biện pháp đã xử lý"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    handled_on = forms.DateField(
        label=_("Ngày xử lý xong"),
        required=False,
        widget=DateInput,
        help_text=_("Bỏ trống nếu còn đang xử lý."),
    )


class ProtectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *ProtectionRequest.Status.choices],
    )
    case_number = forms.CharField(label=_("Số đơn"), required=False, max_length=50)

    def filters(self) -> ProtectionFilters:
        if not self.is_valid():
            return ProtectionFilters()
        return ProtectionFilters(
            status=self.cleaned_data["status"], case_number=self.cleaned_data["case_number"]
        )
