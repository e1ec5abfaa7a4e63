from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Case, Field
from intake.models import ReceptionVisit
from intake.services import ContentData
from protection.services import ReporterData


class PetitionForm(forms.Form):
    """What is common to the whole petition; contents and signers come in formsets."""

    channel = forms.ChoiceField(label=_("Nguồn đơn"), choices=Case.Channel.choices)
    received_on = forms.DateField(label=_("Ngày nhận đơn"), widget=DateInput)
    number = forms.CharField(
        label=_("Số đơn"),
        required=False,
        max_length=50,
        help_text=_("Để trống để cấp số tự động theo năm."),
    )
    anonymous = forms.BooleanField(
        label=_("Đơn nặc danh (không rõ người gửi)"),
        required=False,
        help_text=_(
            "Đơn nặc danh không được giải quyết theo Luật; nội dung có thể dùng cho thanh tra, "
            "kiểm tra."
        ),
    )
    multi_location = forms.BooleanField(
        label=_("Cần kiểm tra, xác minh ở nhiều địa điểm"), required=False
    )
    remote_area = forms.BooleanField(label=_("Vùng sâu, vùng xa, đi lại khó khăn"), required=False)
    complaint_round = forms.TypedChoiceField(
        label=_("Lần khiếu nại"),
        choices=[(1, _("Lần đầu")), (2, _("Lần hai"))],
        coerce=int,
        initial=1,
    )
    follow_up_of = forms.CharField(
        label=_("Tố cáo tiếp của đơn số"),
        required=False,
        max_length=50,
        help_text=_("Với đơn tố cáo tiếp: số của đơn tố cáo trước."),
    )
    reception_visit = forms.ModelChoiceField(
        label=_("Lượt tiếp công dân"),
        queryset=ReceptionVisit.objects.select_related("session").order_by("-session__held_on")[
            :50
        ],
        required=False,
        empty_label=_("Không (đơn không nhận tại buổi tiếp)"),
    )
    acknowledge_duplicates = forms.BooleanField(
        label=_("Tôi đã xem các đơn có thể trùng; vẫn vào sổ"), required=False
    )

    def __init__(self, *args, visible_cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_cases = visible_cases
        self.fields["received_on"].initial = timezone.localdate()
        self.follow_up_case = None

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("Ngày nhận đơn không được sau ngày hôm nay."))
        return received_on

    def clean_follow_up_of(self):
        number = self.cleaned_data["follow_up_of"].strip()
        if not number:
            return ""
        case = (self.visible_cases or Case.objects.none()).filter(number=number).first()
        if case is None:
            raise forms.ValidationError(_("Không tìm thấy đơn số %(number)s.") % {"number": number})
        self.follow_up_case = case
        return number

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and Case.objects.filter(number=number).exists():
            raise forms.ValidationError(_("Số đơn này đã được dùng."))
        return number


class ContentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại đơn"), choices=Case.Kind.choices)
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=Field.objects.filter(is_active=True)
    )
    summary = forms.CharField(label=_("Tóm tắt nội dung"), max_length=500)
    content = forms.CharField(
        label=_("Nội dung chi tiết"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    accused = forms.CharField(
        label=_("Người, cơ quan bị khiếu nại, tố cáo"), required=False, max_length=300
    )
    corruption_related = forms.BooleanField(
        label=_("Liên quan tham nhũng, lãng phí, tiêu cực"), required=False
    )

    def data_object(self) -> ContentData:
        data = self.cleaned_data
        return ContentData(
            kind=data["kind"],
            field=data["field"],
            summary=data["summary"].strip(),
            content=data["content"].strip(),
            accused=data["accused"].strip(),
            corruption_related=data["corruption_related"],
        )


class ReporterForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    id_number = forms.CharField(label=_("Số CCCD/CMND"), required=False, max_length=20)
    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20)
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=300)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    is_representative = forms.BooleanField(label=_("Người đại diện"), required=False)

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and len(digits) not in (9, 12):
            raise forms.ValidationError(_("Số CCCD có 12 chữ số (CMND cũ: 9 chữ số)."))
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and not 9 <= len(digits) <= 12:
            raise forms.ValidationError(_("Số điện thoại không hợp lệ."))
        return value

    def data_object(self) -> ReporterData:
        data = self.cleaned_data
        return ReporterData(
            full_name=data["full_name"].strip(),
            id_number=data["id_number"],
            phone=data["phone"],
            address=data["address"].strip(),
            email=data["email"].strip(),
            is_representative=data["is_representative"],
        )


ContentFormSet = forms.formset_factory(
    ContentForm, extra=0, min_num=1, validate_min=True, max_num=20, validate_max=True
)
ReporterFormSet = forms.formset_factory(ReporterForm, extra=1, max_num=50, validate_max=True)
