import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import EncryptedBinaryField
from core.text import fold

# Conditions of Circular 05/2021/TT-TTCP for a petition to be handled (đơn đủ điều kiện xử lý).
ELIGIBILITY_CONDITIONS = {
    "written_in_vietnamese": _("Đơn viết bằng tiếng Việt, ghi rõ ngày, tháng, năm viết đơn"),
    "sender_identified": _("Có họ tên, địa chỉ, chữ ký hoặc điểm chỉ của người viết đơn"),
    "content_clear": _("Nội dung rõ ràng; đơn khiếu nại, tố cáo ghi rõ người bị khiếu nại, tố cáo"),
    "not_already_handled": _("Đơn chưa được cơ quan, người có thẩm quyền xử lý theo quy định"),
}


# A petition number: letters and digits, with "/", "-", "." or "_" between them ("2026-0042",
# "12/TCD-2026"). Never starting with "=", "+", "-" or "@", which a spreadsheet would run as a
# formula when the number comes back in an export.
CASE_NUMBER_PATTERN = re.compile(r"^[^\W_](?:[\w/.-]*\w)?$")


def case_number_problem(number: str) -> str | None:
    """Why `number` cannot be a petition number, or None when it can."""
    if not CASE_NUMBER_PATTERN.match(number):
        return str(
            _("Số đơn chỉ gồm chữ, số và các dấu / - . _ ở giữa (ví dụ: 2026-0042, 12/TCD-2026).")
        )
    return None


class Field(models.Model):
    """Lĩnh vực: an editable lookup table (press, publishing, post, telecoms, ...)."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """Last number handed out per year; locked row by row so two officers never clash."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    """Đơn: one petition with one content (a petition with several contents becomes linked
    cases, one per content)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Khiếu nại")
        DENUNCIATION = "denunciation", _("Tố cáo")
        RECOMMENDATION = "recommendation", _("Kiến nghị")
        FEEDBACK = "feedback", _("Phản ánh")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp tại buổi tiếp công dân")
        POST = "post", _("Qua bưu chính")
        EMAIL = "email", _("Thư điện tử")
        ONLINE = "online", _("Cổng trực tuyến")
        FORWARDED = "forwarded", _("Cơ quan khác chuyển đến")
        HOTLINE = "hotline", _("Đường dây nóng")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Chờ xử lý đơn")
        URGED = "urged", _("Đã đôn đốc")
        ACCEPTED = "accepted", _("Đã thụ lý")
        VERIFYING = "verifying", _("Đang xác minh")
        CONCLUDED = "concluded", _("Đã kết luận")
        ACTED_ON = "acted_on", _("Đã xử lý kết luận")
        CLOSED = "closed", _("Đã kết thúc")
        FORWARDED = "forwarded", _("Đã chuyển đơn")
        GUIDED = "guided", _("Đã hướng dẫn")
        RETURNED = "returned", _("Đã trả lại đơn")
        FILED = "filed", _("Đã lưu đơn")
        WITHDRAWN = "withdrawn", _("Đã rút")
        SUSPENDED = "suspended", _("Đã đình chỉ")

    # The procedure has ended in these states (docs/product.md#open-and-finished).
    FINISHED_STATUSES = frozenset(
        {
            Status.CONCLUDED,
            Status.ACTED_ON,
            Status.CLOSED,
            Status.FORWARDED,
            Status.GUIDED,
            Status.RETURNED,
            Status.FILED,
            Status.WITHDRAWN,
            Status.SUSPENDED,
        }
    )
    OPEN_STATUSES = frozenset({Status.RECEIVED, Status.URGED, Status.ACCEPTED, Status.VERIFYING})

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Thụ lý")
        FORWARDED = "forwarded", _("Chuyển đơn")
        GUIDED = "guided", _("Hướng dẫn")
        RETURNED = "returned", _("Trả lại đơn")
        FILED = "filed", _("Lưu đơn")
        URGED = "urged", _("Đôn đốc")

    class Extension(models.TextChoices):
        NONE = "none", _("Không gia hạn")
        COMPLEX = "complex", _("Phức tạp")
        ESPECIALLY_COMPLEX = "especially_complex", _("Đặc biệt phức tạp")

    class Finding(models.TextChoices):
        FOUNDED = "founded", _("Đúng")
        PARTLY_FOUNDED = "partly_founded", _("Đúng một phần")
        UNFOUNDED = "unfounded", _("Sai")

    number = models.CharField(_("số đơn"), max_length=50, unique=True)
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    sequence = models.PositiveIntegerField(_("số thứ tự"), null=True, blank=True)

    kind = models.CharField(_("loại đơn"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("nguồn đơn"), max_length=20, choices=Channel.choices)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="cases"
    )
    received_on = models.DateField(_("ngày nhận"))
    summary = models.CharField(_("tóm tắt"), max_length=500)
    content = models.TextField(_("nội dung"), blank=True)
    accused = models.CharField(_("người, cơ quan bị khiếu nại, tố cáo"), max_length=300, blank=True)
    corruption_related = models.BooleanField(
        _("liên quan tham nhũng, lãng phí, tiêu cực"), default=False
    )
    anonymous = models.BooleanField(_("đơn nặc danh"), default=False)
    multi_location = models.BooleanField(
        _("cần kiểm tra, xác minh ở nhiều địa điểm"),
        default=False,
        help_text=_("Thời hạn xử lý đơn tố cáo là 10 ngày làm việc thay vì 7."),
    )
    remote_area = models.BooleanField(_("vùng sâu, vùng xa, đi lại khó khăn"), default=False)
    complaint_round = models.PositiveSmallIntegerField(
        _("lần khiếu nại"), choices=[(1, _("Lần đầu")), (2, _("Lần hai"))], default=1
    )
    eligibility = models.JSONField(_("điều kiện xử lý"), default=dict, blank=True)
    is_eligible = models.BooleanField(_("đủ điều kiện xử lý"), null=True, blank=True)

    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    proposed_decision = models.CharField(
        _("hướng xử lý đề xuất"), max_length=20, choices=Decision.choices, blank=True
    )
    decision = models.CharField(
        _("hướng xử lý"), max_length=20, choices=Decision.choices, blank=True
    )
    decision_on = models.DateField(_("ngày xử lý đơn"), null=True, blank=True)
    forwarded_to = models.CharField(_("chuyển đến cơ quan"), max_length=300, blank=True)
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    reporter_notified_on = models.DateField(
        _("ngày thông báo thụ lý cho người gửi đơn"), null=True, blank=True
    )
    extension = models.CharField(
        _("gia hạn"), max_length=20, choices=Extension.choices, default=Extension.NONE
    )
    extension_days = models.PositiveSmallIntegerField(_("số ngày gia hạn"), default=0)
    # Days granted by each extension of a denunciation, in order: each runs from the end of the
    # time limit before it, so the sum alone cannot place the due date.
    extension_steps = models.JSONField(_("các lần gia hạn (số ngày)"), default=list, blank=True)
    finding = models.CharField(_("kết luận"), max_length=20, choices=Finding.choices, blank=True)
    concluded_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    resolved_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ngày rút đơn"), null=True, blank=True)

    # Derived from the time-limit rules by cases.deadlines; stored so lists can sort and
    # filter on them in the database.
    handling_due = models.DateField(_("hạn xử lý đơn"), null=True, blank=True)
    resolution_due = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    next_step = models.CharField(_("bước tiếp theo"), max_length=30, blank=True)
    next_due = models.DateField(_("hạn bước tiếp theo"), null=True, blank=True, db_index=True)

    related_to = models.ForeignKey(
        "self",
        verbose_name=_("cùng một đơn với"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="related_cases",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("tố cáo tiếp của"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với đơn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    reception_visit = models.ForeignKey(
        "intake.ReceptionVisit",
        verbose_name=_("lượt tiếp công dân"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Assignment",
        through_fields=("case", "user"),
        related_name="assigned_cases",
        verbose_name=_("cán bộ được giao"),
        blank=True,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người vào sổ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_cases",
    )
    # Number, summary, content and accused without diacritics, for search.
    search_text = models.TextField(editable=False, blank=True)
    # The accused without diacritics or case, for "same accused and field" duplicate checks.
    accused_key = models.CharField(max_length=300, editable=False, blank=True, db_index=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text", "accused_key"])

    class Meta:
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "next_due"]),
            models.Index(fields=["kind", "received_on"]),
            models.Index(fields=["received_on"]),
        ]
        permissions = [
            ("register_case", _("Tiếp nhận, vào sổ đơn")),
            ("view_intake_queue", _("Xem đơn chờ xử lý")),
            ("view_all_cases", _("Xem mọi vụ việc")),
            ("propose_handling", _("Đề xuất hướng xử lý đơn")),
            ("decide_case", _("Quyết định xử lý đơn, thụ lý, gia hạn, kết luận")),
            ("assign_case", _("Phân công cán bộ xác minh")),
            ("work_case", _("Xác minh vụ việc được giao")),
            ("import_cases", _("Nhập dữ liệu đơn từ tệp")),
            ("export_cases", _("Xuất danh sách đơn")),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.derive_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"summary", "content", "accused", "number"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_text", "accused_key"}
        super().save(*args, **kwargs)

    def derive_search_columns(self) -> None:
        """Fill the diacritic-free columns that search and duplicate checks compare; save()
        calls it, and so does the bulk import, which bypasses save()."""
        self.search_text = fold(" ".join([self.number, self.summary, self.content, self.accused]))
        self.accused_key = fold(self.accused)[:300]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES


class Assignment(models.Model):
    """A staff member currently assigned to work a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    is_lead = models.BooleanField(_("chủ trì"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments_made",
    )
    assigned_on = models.DateField(_("ngày giao"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="assignment_unique_case_user")
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.user}"


class CaseConflict(models.Model):
    """A staff member who must stay away from a case: the accused, someone related, or someone
    who recused themselves."""

    class Reason(models.TextChoices):
        ACCUSED = "accused", _("Là người bị khiếu nại, tố cáo")
        RELATED = "related", _("Có quan hệ với vụ việc")
        RECUSED = "recused", _("Tự xin không tham gia")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="case_conflicts",
    )
    reason = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conflicts_declared",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xung đột lợi ích")
        verbose_name_plural = _("xung đột lợi ích")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="conflict_unique_case_user")
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.user} ({self.get_reason_display()})"


class CaseEvent(models.Model):
    """One step on a case's timeline: who, when it took effect, when it was entered, and why.

    `effective_on` can be earlier than `recorded_at` (an import, a paper decision entered late);
    reports read a case as it stood on a past date from these rows.
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Tiếp nhận đơn")
        CLASSIFIED = "classified", _("Phân loại đơn")
        ELIGIBILITY_CHECKED = "eligibility_checked", _("Kiểm tra điều kiện xử lý")
        HANDLING_PROPOSED = "handling_proposed", _("Đề xuất hướng xử lý")
        ACCEPTED = "accepted", _("Thụ lý")
        FORWARDED = "forwarded", _("Chuyển đơn")
        GUIDED = "guided", _("Hướng dẫn")
        RETURNED = "returned", _("Trả lại đơn")
        FILED = "filed", _("Lưu đơn")
        URGED = "urged", _("Đôn đốc")
        REPORTER_NOTIFIED = "reporter_notified", _("Thông báo thụ lý")
        ASSIGNED = "assigned", _("Phân công xác minh")
        UNASSIGNED = "unassigned", _("Thôi phân công")
        CONFLICT_DECLARED = "conflict_declared", _("Ghi nhận xung đột lợi ích")
        RECUSED = "recused", _("Xin không tham gia")
        NOTE_ADDED = "note_added", _("Ghi chú")
        EVIDENCE_ADDED = "evidence_added", _("Bổ sung tài liệu, chứng cứ")
        VERIFICATION_REPORTED = "verification_reported", _("Báo cáo kết quả xác minh")
        EXTENDED = "extended", _("Gia hạn giải quyết")
        CONCLUDED = "concluded", _("Kết luận")
        CONCLUSION_ACTED_ON = "conclusion_acted_on", _("Xử lý kết luận")
        CLOSED = "closed", _("Kết thúc hồ sơ")
        WITHDRAWN = "withdrawn", _("Rút đơn")
        PARTIALLY_WITHDRAWN = "partially_withdrawn", _("Rút một phần")
        WITHDRAWAL_NOT_ENDING = "withdrawal_not_ending", _("Rút đơn nhưng có dấu hiệu vi phạm")
        SUSPENDED = "suspended", _("Đình chỉ giải quyết")
        FOLLOW_UP_RECEIVED = "follow_up_received", _("Nhận tố cáo tiếp")
        DUPLICATE_LINKED = "duplicate_linked", _("Xác định đơn trùng")
        IDENTITY_ACCESS_REQUESTED = "identity_access_requested", _("Đề nghị xem danh tính")
        IDENTITY_ACCESS_DECIDED = "identity_access_decided", _("Quyết định đề nghị xem danh tính")
        IDENTITY_REVEALED = "identity_revealed", _("Xem danh tính người gửi đơn")
        IDENTITY_CORRECTED = "identity_corrected", _("Đính chính thông tin người gửi đơn")
        PROTECTION_REQUESTED = "protection_requested", _("Đề nghị bảo vệ")
        PROTECTION_DECIDED = "protection_decided", _("Quyết định bảo vệ")
        PROTECTION_MEASURE = "protection_measure", _("Biện pháp bảo vệ")
        PROTECTION_ENDED = "protection_ended", _("Chấm dứt bảo vệ")
        RETALIATION_REPORTED = "retaliation_reported", _("Phản ánh bị trả thù, trù dập")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("bước"), max_length=40, choices=Kind.choices)
    effective_on = models.DateField(_("ngày có hiệu lực"))
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_events",
    )
    document_number = models.CharField(_("số văn bản"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # The due date this event put in force (acceptance, extension), so a report can tell what
    # was due on a past date.
    due_on = models.DateField(_("hạn mới"), null=True, blank=True)
    # Step-specific facts: decision, forwarded_to, finding, extension level and days, ...
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("diễn biến")
        verbose_name_plural = _("diễn biến")
        ordering = ["effective_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["case", "kind", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()} ({self.effective_on:%d/%m/%Y})"

    def details(self) -> str:
        """What the step decided, in a line, from its data: shown under it on the timeline."""
        data = self.data or {}
        kind = self.Kind
        staff = data.get("user", "")
        if self.kind == kind.RECEIVED and data.get("channel") in Case.Channel.values:
            return str(Case.Channel(data["channel"]).label)
        if self.kind == kind.ELIGIBILITY_CHECKED:
            if data.get("eligible"):
                return str(_("Đủ điều kiện xử lý"))
            missing = [
                str(ELIGIBILITY_CONDITIONS[code])
                for code, met in (data.get("conditions") or {}).items()
                if not met and code in ELIGIBILITY_CONDITIONS
            ]
            return str(_("Chưa đủ điều kiện xử lý: %(missing)s")) % {"missing": "; ".join(missing)}
        if self.kind == kind.HANDLING_PROPOSED and data.get("decision") in Case.Decision.values:
            return str(_("Đề xuất: %(decision)s")) % {
                "decision": Case.Decision(data["decision"]).label
            }
        if self.kind == kind.FORWARDED and data.get("forwarded_to"):
            return str(_("Chuyển đến: %(agency)s")) % {"agency": data["forwarded_to"]}
        if self.kind == kind.ASSIGNED:
            return str(_("%(user)s (chủ trì)")) % {"user": staff} if data.get("lead") else staff
        if self.kind in (kind.UNASSIGNED, kind.RECUSED):
            return staff
        if self.kind == kind.CONFLICT_DECLARED:
            reason = data.get("reason")
            label = (
                CaseConflict.Reason(reason).label if reason in CaseConflict.Reason.values else ""
            )
            return f"{staff}: {str(label).lower()}" if label else staff
        if self.kind == kind.EXTENDED and data.get("level") in Case.Extension.values:
            level = Case.Extension(data["level"]).label
            if data.get("days"):
                return str(_("%(level)s, gia hạn thêm %(days)s ngày")) % {
                    "level": level,
                    "days": data["days"],
                }
            return str(_("%(level)s: áp dụng thời hạn giải quyết dài hơn")) % {"level": level}
        if self.kind == kind.CONCLUDED and data.get("finding") in Case.Finding.values:
            return str(_("Kết luận: %(finding)s")) % {
                "finding": Case.Finding(data["finding"]).label
            }
        if self.kind == kind.FOLLOW_UP_RECEIVED and data.get("follow_up"):
            return str(_("Đơn tố cáo tiếp số %(number)s")) % {"number": data["follow_up"]}
        if self.kind == kind.DUPLICATE_LINKED and data.get("duplicate_of"):
            return str(_("Trùng với đơn số %(number)s")) % {"number": data["duplicate_of"]}
        if self.kind == kind.EVIDENCE_ADDED and data.get("identifying"):
            return str(_("Tài liệu có thể làm lộ danh tính người gửi đơn"))
        return ""


class CaseNote(models.Model):
    """A verifier's working note or verification report on a case."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Ghi chú")
        VERIFICATION_REPORT = "verification_report", _("Báo cáo kết quả xác minh")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.NOTE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ghi chú xác minh")
        verbose_name_plural = _("ghi chú xác minh")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"


class Evidence(models.Model):
    """A document or other evidence file. Its bytes are encrypted in the database (a scanned
    petition carries handwriting, which can identify the reporter) and served only through an
    access-checked view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    description = models.CharField(_("mô tả"), max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    content = EncryptedBinaryField()
    # The original petition, handwriting, a photo of the reporter: anything that could identify
    # them. Only those who may see the reporter's identity can download it.
    identifying = models.BooleanField(
        _("có thể làm lộ danh tính người gửi đơn"),
        default=False,
        help_text=_("Đơn gốc, chữ viết tay, ảnh… Chỉ người được xem danh tính mới tải được."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_uploaded"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu, chứng cứ")
        verbose_name_plural = _("tài liệu, chứng cứ")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TimeLimitRule(models.Model):
    """One statutory time limit, versioned by the date it takes effect.

    The law changes (Law 136/2025/QH15 amends all three laws from 1/7/2026): a new version is a
    new row with a later `effective_from`, added in the admin without a release. The version
    that applies is the newest one in effect on the day the count starts.
    """

    class Step(models.TextChoices):
        HANDLING = "handling", _("Xử lý đơn")
        FORWARD = "forward", _("Chuyển đơn")
        ACCEPTANCE = "acceptance", _("Thụ lý")
        NOTIFY = "notify", _("Thông báo thụ lý")
        RESOLUTION = "resolution", _("Giải quyết")
        RESOLUTION_SECOND = "resolution_second", _("Giải quyết lần hai")
        EXTENSION = "extension", _("Gia hạn")
        FOLLOW_UP = "follow_up", _("Xử lý tố cáo tiếp")
        RETENTION = "retention", _("Lưu giữ đơn không đủ điều kiện")

    class Variant(models.TextChoices):
        STANDARD = "standard", _("Thông thường")
        MULTI_LOCATION = "multi_location", _("Nhiều địa điểm")
        COMPLEX = "complex", _("Phức tạp")
        ESPECIALLY_COMPLEX = "especially_complex", _("Đặc biệt phức tạp")
        REMOTE = "remote", _("Vùng sâu, vùng xa")
        REMOTE_COMPLEX = "remote_complex", _("Vùng sâu, vùng xa, phức tạp")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("ngày làm việc")
        DAYS = "days", _("ngày")
        YEARS = "years", _("năm")

    kind = models.CharField(
        _("loại đơn"),
        max_length=20,
        choices=Case.Kind.choices,
        blank=True,
        help_text=_("Để trống nếu áp dụng cho mọi loại đơn."),
    )
    step = models.CharField(_("bước"), max_length=30, choices=Step.choices)
    variant = models.CharField(
        _("trường hợp"), max_length=30, choices=Variant.choices, default=Variant.STANDARD
    )
    limit = models.PositiveSmallIntegerField(_("thời hạn"))
    unit = models.CharField(_("đơn vị"), max_length=20, choices=Unit.choices)
    times = models.PositiveSmallIntegerField(
        _("số lần"), default=1, help_text=_("Số lần được áp dụng (gia hạn).")
    )
    effective_from = models.DateField(_("áp dụng từ ngày"))
    source = models.CharField(_("căn cứ"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thời hạn theo luật")
        verbose_name_plural = _("thời hạn theo luật")
        ordering = ["kind", "step", "variant", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "step", "variant", "effective_from"],
                name="time_limit_rule_unique_version",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display() or '*'} / {self.get_step_display()} / "
            f"{self.get_variant_display()}: {self.limit} {self.get_unit_display()}"
        )


class CalendarOverride(models.Model):
    """A day the `holidays` package gets wrong for this year: an extra day off, or a swapped
    working day (the government announces swaps yearly)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc")

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.get_kind_display()}"
