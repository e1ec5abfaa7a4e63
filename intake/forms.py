import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Field, case_number_problem
from core.widgets import DateInput
from intake.models import ReceptionSession, ReceptionVisit
from intake.services import ContentData
from protection.identity import identity_problems
from protection.services import ReporterData

RECENT_VISITS = dt.timedelta(days=90)


def visit_label(visit: ReceptionVisit) -> str:
    """ "Tiếp thường xuyên 22/04/2026 — lượt 3: Kiến nghị, phản ánh, 2 người" """
    return _("%(session)s — lượt %(number)s: %(subject)s, %(people)s người") % {
        "session": visit.session,
        "number": visit.pk,
        "subject": visit.get_subject_display(),
        "people": visit.people_count,
    }


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
        queryset=ReceptionVisit.objects.all(),
        required=False,
        empty_label=_("Không (đơn không nhận tại buổi tiếp)"),
        help_text=_("Lượt tiếp trong 90 ngày gần đây; đơn nhận tại buổi tiếp được tính vào sổ."),
    )
    acknowledge_duplicates = forms.BooleanField(
        label=_("Tôi đã xem các đơn có thể trùng; vẫn vào sổ"), required=False
    )

    def __init__(self, *args, visible_cases=None, visit: ReceptionVisit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_cases = visible_cases
        self.fields["received_on"].initial = timezone.localdate()
        self.follow_up_case = None
        # Any visit validates; the list offers the recent ones (and the one the officer came
        # from), so it stays short after years of reception.
        recent = list(
            ReceptionVisit.objects.select_related("session")
            .filter(session__held_on__gte=timezone.localdate() - RECENT_VISITS)
            .order_by("-session__held_on", "-id")
        )
        if visit is not None and visit not in recent:
            recent.insert(0, visit)
        self.fields["reception_visit"].choices = [
            ("", self.fields["reception_visit"].empty_label),
            *((item.pk, visit_label(item)) for item in recent),
        ]
        if visit is not None:
            self.initial.update(
                reception_visit=visit.pk,
                channel=Case.Channel.IN_PERSON,
                received_on=visit.session.held_on,
            )

    def clean(self):
        cleaned = super().clean()
        visit = cleaned.get("reception_visit")
        received_on = cleaned.get("received_on")
        if visit is not None and cleaned.get("channel") != Case.Channel.IN_PERSON:
            self.add_error("channel", _("Đơn nhận tại buổi tiếp công dân có nguồn “trực tiếp”."))
        if visit is not None and received_on and received_on != visit.session.held_on:
            self.add_error(
                "received_on",
                _("Buổi tiếp diễn ra ngày %(day)s: ngày nhận đơn phải là ngày đó.")
                % {"day": f"{visit.session.held_on:%d/%m/%Y}"},
            )
        return cleaned

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
        problem = case_number_problem(number) if number else None
        if problem:
            raise forms.ValidationError(problem)
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
    # Checked with the rest of the identity, in clean().
    email = forms.CharField(
        label=_("Thư điện tử"), required=False, max_length=254, widget=forms.EmailInput
    )
    is_representative = forms.BooleanField(label=_("Người đại diện"), required=False)

    def clean(self):
        cleaned = super().clean()
        problems = identity_problems(
            full_name=cleaned.get("full_name", ""),
            id_number=cleaned.get("id_number", ""),
            phone=cleaned.get("phone", ""),
            email=cleaned.get("email", ""),
        )
        for name, message in problems.items():
            # A field its own validation already refused (a required name left blank) keeps
            # that one message.
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

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


# --- Citizen reception log --------------------------------------------------------------------


class SessionFilterForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput)
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput)
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        required=False,
        choices=[("", _("Tất cả")), *ReceptionSession.Kind.choices],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return cleaned


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày tiếp"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=ReceptionSession.Kind.choices)
    mode = forms.ChoiceField(
        label=_("Thủ trưởng tiếp"),
        required=False,
        choices=[("", "—"), *ReceptionSession.Mode.choices],
        help_text=_("Chỉ với buổi tiếp định kỳ, đột xuất của Thủ trưởng."),
    )
    host = forms.ModelChoiceField(
        label=_("Người chủ trì"),
        required=False,
        queryset=None,
        empty_label="—",
    )
    location = forms.CharField(label=_("Địa điểm"), required=False, max_length=300)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["host"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(groups__permissions__codename="log_reception")
                | Q(groups__permissions__codename="decide_case")
            )
            .distinct()
            .order_by("full_name", "username")
        )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Chỉ ghi sổ buổi tiếp đã diễn ra."))
        return held_on

    def clean(self):
        cleaned = super().clean()
        kind, mode = cleaned.get("kind"), cleaned.get("mode")
        if kind == ReceptionSession.Kind.REGULAR and mode:
            self.add_error("mode", _("Buổi tiếp thường xuyên không chọn mục này."))
        elif kind and kind != ReceptionSession.Kind.REGULAR and not mode:
            self.add_error("mode", _("Hãy chọn Thủ trưởng trực tiếp tiếp hay ủy quyền cấp phó."))
        return cleaned


class VisitForm(forms.Form):
    people_count = forms.IntegerField(
        label=_("Số người"),
        min_value=1,
        max_value=1000,
        initial=1,
        help_text=_("Từ 5 người trở lên là đoàn đông người."),
        error_messages={
            "min_value": _("Số người phải từ 1 trở lên."),
            "max_value": _("Số người không quá 1000."),
        },
    )
    subject = forms.ChoiceField(label=_("Nội dung"), choices=ReceptionVisit.Subject.choices)
    is_repeat = forms.TypedChoiceField(
        label=_("Lần tiếp"),
        choices=[("0", _("Lần đầu")), ("1", _("Nhiều lần (vụ việc cũ)"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(label=_("Tóm tắt"), required=False, max_length=500)
    outcome = forms.CharField(
        label=_("Kết quả tiếp"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
