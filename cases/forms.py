from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseConflict, Field
from cases.selectors import CaseFilters
from cases.services import ELIGIBILITY_CONDITIONS
from core.widgets import DateInput

# Permissions that give a staff member a part in cases: who can be marked as the accused or as
# related to one.
CASE_ROLES = ("view_all_cases", "register_case", "work_case", "decide_case")


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
            ("finished", _("Đã xử lý xong (mọi kết quả)")),
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


# --- The steps of the procedure, one small form each --------------------------------------
# Each form only parses what the person typed; the service it feeds decides whether the step is
# allowed (ProcedureError), and the view shows that on the form.


class StepForm(forms.Form):
    """A step with the date it took effect (which may be earlier than today: a paper decision
    entered late)."""

    on = forms.DateField(
        label=_("Ngày thực hiện"),
        widget=DateInput,
        help_text=_("Ngày ký văn bản hoặc ngày thực hiện; không sau hôm nay."),
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        if "on" in self.fields:
            self.fields["on"].initial = timezone.localdate()


def _document_number():
    return forms.CharField(label=_("Số văn bản"), required=False, max_length=100)


def _note(label=None, required=False, rows=2):
    return forms.CharField(
        label=label or _("Ghi chú"),
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EligibilityForm(StepForm):
    conditions = forms.MultipleChoiceField(
        label=_("Điều kiện xử lý (Thông tư 05/2021/TT-TTCP)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu các điều kiện đơn đáp ứng; thiếu điều kiện nào là đơn chưa đủ."),
    )
    note = _note()
    field_order = ["conditions", "on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = list(ELIGIBILITY_CONDITIONS.items())
        if self.case.eligibility:
            self.fields["conditions"].initial = [
                code for code, met in self.case.eligibility.items() if met
            ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        chosen = set(data["conditions"])
        return {
            "conditions": {code: code in chosen for code in ELIGIBILITY_CONDITIONS},
            "on": data["on"],
            "note": data["note"].strip(),
        }


class ProposeForm(StepForm):
    decision = forms.ChoiceField(label=_("Hướng xử lý đề xuất"), choices=Case.Decision.choices)
    note = _note(_("Lý do, căn cứ đề xuất"))
    field_order = ["decision", "on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.proposed_decision:
            self.fields["decision"].initial = self.case.proposed_decision

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"decision": data["decision"], "on": data["on"], "note": data["note"].strip()}


class DecideForm(StepForm):
    decision = forms.ChoiceField(label=_("Quyết định xử lý đơn"), choices=Case.Decision.choices)
    forwarded_to = forms.CharField(
        label=_("Chuyển đến cơ quan"),
        required=False,
        max_length=300,
        help_text=_("Chỉ khi chuyển đơn: cơ quan, người có thẩm quyền giải quyết."),
    )
    document_number = _document_number()
    note = _note(_("Nội dung, lý do"))
    field_order = ["decision", "forwarded_to", "on", "document_number", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.proposed_decision:
            self.fields["decision"].initial = self.case.proposed_decision

    def clean(self):
        data = super().clean()
        if data.get("decision") == Case.Decision.FORWARDED and not data.get("forwarded_to", ""):
            self.add_error("forwarded_to", _("Hãy ghi cơ quan được chuyển đơn đến."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "on": data["on"],
            "document_number": data["document_number"].strip(),
            "note": data["note"].strip(),
            "forwarded_to": data["forwarded_to"].strip()
            if data["decision"] == Case.Decision.FORWARDED
            else "",
        }


class NotifyForm(StepForm):
    document_number = _document_number()
    note = _note()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "on": data["on"],
            "document_number": data["document_number"].strip(),
            "note": data["note"].strip(),
        }


def _staff_choices():
    return get_user_model().objects.filter(is_active=True).order_by("full_name", "username")


class AssignForm(StepForm):
    user = forms.ModelChoiceField(label=_("Cán bộ xác minh"), queryset=None)
    is_lead = forms.BooleanField(label=_("Chủ trì xác minh"), required=False)
    note = _note()
    field_order = ["user", "is_lead", "on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who could take the case: verifiers not yet on it and not kept away from it.
        self.fields["user"].queryset = (
            _staff_choices()
            .filter(
                Q(groups__permissions__codename="work_case")
                | Q(user_permissions__codename="work_case")
            )
            .exclude(assignments__case=self.case)
            .exclude(case_conflicts__case=self.case)
            .distinct()
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "user": data["user"],
            "is_lead": data["is_lead"],
            "on": data["on"],
            "note": data["note"].strip(),
        }


class UnassignForm(StepForm):
    user = forms.ModelChoiceField(label=_("Thôi giao cho"), queryset=None)
    note = _note(_("Lý do"))
    field_order = ["user", "on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff_choices().filter(assignments__case=self.case)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"user": data["user"], "on": data["on"], "note": data["note"].strip()}


class ConflictForm(StepForm):
    user = forms.ModelChoiceField(label=_("Cán bộ"), queryset=None)
    reason = forms.ChoiceField(
        label=_("Lý do"),
        choices=[
            (CaseConflict.Reason.ACCUSED, CaseConflict.Reason.ACCUSED.label),
            (CaseConflict.Reason.RELATED, CaseConflict.Reason.RELATED.label),
        ],
    )
    note = _note()
    field_order = ["user", "reason", "on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            _staff_choices()
            .filter(Q(groups__permissions__codename__in=CASE_ROLES) | Q(is_superuser=True))
            .exclude(case_conflicts__case=self.case)
            .distinct()
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "user": data["user"],
            "reason": data["reason"],
            "on": data["on"],
            "note": data["note"].strip(),
        }


class RecuseForm(StepForm):
    note = _note(_("Lý do (không bắt buộc)"))
    field_order = ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["on"]

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"].strip()}


class NoteForm(StepForm):
    text = _note(_("Ghi chú"), required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["on"]

    def service_kwargs(self) -> dict:
        return {"text": self.cleaned_data["text"]}


class EvidenceForm(StepForm):
    upload = forms.FileField(label=_("Tệp"))
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=300)
    # Asked every time, with no default: an original petition uploaded in a hurry must not
    # become readable by verifiers because a box was left unticked.
    identifying = forms.TypedChoiceField(
        label=_("Tài liệu có thể làm lộ danh tính người gửi đơn không?"),
        choices=[
            (
                "yes",
                _("Có (đơn gốc, chữ viết tay, chữ ký…): chỉ người được xem danh tính mở được"),
            ),
            ("no", _("Không")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["on"]
        self.fields["upload"].help_text = _(
            "PDF, ảnh JPEG/PNG, Word, Excel hoặc văn bản thuần; tối đa %(mb)s MB."
        ) % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "upload": data["upload"],
            "description": data["description"],
            "identifying": data["identifying"],
        }


class VerificationReportForm(StepForm):
    text = _note(_("Kết quả xác minh, đề xuất"), required=True, rows=5)
    field_order = ["text", "on"]

    def service_kwargs(self) -> dict:
        return {"text": self.cleaned_data["text"], "on": self.cleaned_data["on"]}


class ExtendForm(StepForm):
    level = forms.ChoiceField(label=_("Mức độ"))
    days = forms.IntegerField(
        label=_("Số ngày gia hạn"),
        min_value=1,
        required=False,
        help_text=_("Tố cáo: mỗi lần không quá 30 ngày, tính từ ngày hết hạn trước đó."),
        error_messages={"min_value": _("Số ngày gia hạn phải từ 1 trở lên.")},
    )
    reason = _note(_("Lý do gia hạn"), required=True)
    document_number = _document_number()
    field_order = ["level", "days", "on", "document_number", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.kind == Case.Kind.COMPLAINT:
            self.fields["level"].choices = [(Case.Extension.COMPLEX, _("Phức tạp"))]
            self.fields["level"].help_text = _(
                "Khiếu nại phức tạp áp dụng thời hạn giải quyết dài hơn theo luật."
            )
            del self.fields["days"]
        else:
            self.fields["level"].choices = [
                (Case.Extension.COMPLEX, _("Phức tạp (gia hạn một lần)")),
                (Case.Extension.ESPECIALLY_COMPLEX, _("Đặc biệt phức tạp (gia hạn hai lần)")),
            ]
            self.fields["days"].initial = 30

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "days": data.get("days"),
            "reason": data["reason"],
            "on": data["on"],
            "document_number": data["document_number"].strip(),
        }


class ConcludeForm(StepForm):
    finding = forms.ChoiceField(
        label=_("Kết luận nội dung"),
        choices=[("", "—"), *Case.Finding.choices],
        required=False,
    )
    document_number = _document_number()
    note = _note(_("Tóm tắt kết luận"), rows=3)
    field_order = ["finding", "on", "document_number", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT):
            self.fields["finding"].required = True
        else:
            # Recommendations and feedback are answered, not found founded or unfounded.
            del self.fields["finding"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "finding": data.get("finding", ""),
            "on": data["on"],
            "document_number": data["document_number"].strip(),
            "note": data["note"].strip(),
        }


class ActOnConclusionForm(StepForm):
    note = _note(_("Việc đã làm để thực hiện kết luận"), required=True, rows=3)
    document_number = _document_number()
    field_order = ["note", "on", "document_number"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "note": data["note"],
            "on": data["on"],
            "document_number": data["document_number"].strip(),
        }


class CloseForm(StepForm):
    note = _note()

    def service_kwargs(self) -> dict:
        return {"on": self.cleaned_data["on"], "note": self.cleaned_data["note"].strip()}


class WithdrawForm(StepForm):
    FULL, PARTIAL, VIOLATION = "full", "partial", "signs_of_violation"
    scope = forms.ChoiceField(
        label=_("Người gửi đơn rút"),
        widget=forms.RadioSelect,
        choices=[
            (FULL, _("Rút toàn bộ: kết thúc vụ việc")),
            (PARTIAL, _("Rút một phần: tiếp tục giải quyết phần còn lại")),
            (
                VIOLATION,
                _("Rút toàn bộ nhưng có dấu hiệu vi phạm pháp luật: tiếp tục giải quyết"),
            ),
        ],
        initial=FULL,
    )
    document_number = _document_number()
    note = _note(_("Nội dung rút đơn, lý do"), required=True)
    field_order = ["scope", "on", "document_number", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.kind != Case.Kind.DENUNCIATION:
            # Continuing despite a withdrawal is the Law on Denunciations' rule (Art. 33).
            self.fields["scope"].choices = self.fields["scope"].choices[:2]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "partial": data["scope"] == self.PARTIAL,
            "signs_of_violation": data["scope"] == self.VIOLATION,
            "on": data["on"],
            "document_number": data["document_number"].strip(),
            "note": data["note"].strip(),
        }


class SuspendForm(StepForm):
    reason = _note(_("Lý do đình chỉ"), required=True)
    document_number = _document_number()
    field_order = ["reason", "on", "document_number"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "on": data["on"],
            "document_number": data["document_number"].strip(),
        }


class DuplicateForm(StepForm):
    of = forms.CharField(label=_("Trùng với đơn số"), max_length=50)
    note = _note()
    field_order = ["of", "note"]

    def __init__(self, *args, visible_cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["on"]
        self.visible_cases = visible_cases

    def clean_of(self):
        number = self.cleaned_data["of"].strip()
        original = (
            self.visible_cases.filter(number=number).first()
            if self.visible_cases is not None
            else None
        )
        if original is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn số %(number)s trong các đơn bạn được xem.")
                % {"number": number}
            )
        self.original = original
        return number

    def service_kwargs(self) -> dict:
        return {"of": self.original, "note": self.cleaned_data["note"].strip()}


class RevealReasonForm(forms.Form):
    """Why someone opens a file that could identify the reporter; it goes in the access log."""

    reason = forms.CharField(
        label=_("Lý do mở tài liệu"),
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi rõ mục đích; lý do được ghi vào nhật ký truy cập danh tính."),
    )
