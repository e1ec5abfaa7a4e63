import string

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import BlindIndexField, EncryptedTextField

# Fields of a Reporter that identify a person; each is encrypted and none is ever listed.
IDENTITY_FIELDS = ("full_name", "id_number", "phone", "address", "email")


def identity_field_labels(names) -> list[str]:
    """Identity field names as the screens say them ("họ và tên", "số điện thoại"), for logs
    and histories that name what was seen or changed, never the values."""
    labels = {f.name: str(f.verbose_name) for f in Reporter._meta.fields}
    labels["evidence"] = str(_("tài liệu mật"))
    return [labels.get(name, name) for name in names]


def pseudonym_letter(position: int) -> str:
    """1 → A, 26 → Z, 27 → AA: a stable label for the n-th reporter of a case."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = string.ascii_uppercase[remainder] + letters
    return letters


REPORTER_LABELS = {
    "complaint": _("Người khiếu nại"),
    "denunciation": _("Người tố cáo"),
    "recommendation": _("Người kiến nghị"),
    "feedback": _("Người phản ánh"),
}


def pseudonym(kind: str, position: int) -> str:
    """ "Người tố cáo A": how everyone without need-to-know sees the n-th reporter of a case."""
    label = REPORTER_LABELS.get(kind, _("Người gửi đơn"))
    return f"{label} {pseudonym_letter(position)}"


class Reporter(models.Model):
    """Người đứng tên đơn: the person who filed (one of the signers of) a petition.

    Every identifying field is encrypted; the *_index columns are keyed hashes for finding
    duplicates without decrypting (see core.crypto).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reporters")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    is_representative = models.BooleanField(_("người đại diện"), default=False)
    full_name = EncryptedTextField(_("họ và tên"))
    id_number = EncryptedTextField(_("số CCCD/CMND"), blank=True)
    phone = EncryptedTextField(_("số điện thoại"), blank=True)
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    email = EncryptedTextField(_("thư điện tử"), blank=True)
    # Derived on every save from the field named by `source` (see BlindIndexField.pre_save).
    name_index = BlindIndexField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        source="full_name",
        purpose="name",
    )
    id_number_index = BlindIndexField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        source="id_number",
        purpose="id_number",
    )
    phone_index = BlindIndexField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        source="phone",
        purpose="phone",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người gửi đơn")
        verbose_name_plural = _("người gửi đơn")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "position"], name="reporter_unique_case_position"
            )
        ]
        permissions = [
            ("reveal_identity_any", _("Xem danh tính người gửi đơn của mọi vụ việc")),
        ]

    def __str__(self) -> str:
        # Never the name: this string reaches logs, admin history and error pages.
        return self.pseudonym

    def save(self, *args, **kwargs):
        # A save that names its fields must still refresh the indexes derived from them.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {
                field.name
                for field in self._meta.concrete_fields
                if isinstance(field, BlindIndexField) and field.source in update_fields
            }
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    @property
    def pseudonym(self) -> str:
        return pseudonym(self.case.kind, self.position)


class AppendOnlyError(Exception):
    """An attempt to change or remove a row of an append-only log."""


class AppendOnlyQuerySet(QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: no update.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: no delete.")

    # bulk_update goes through update(); named here so the refusal reads plainly.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: no update.")


class IdentityBasis(models.TextChoices):
    """Why someone may see a reporter's identity (docs/product.md#identity-protection)."""

    HEAD = "head", _("Lãnh đạo")
    REGISTRAR = "registrar", _("Cán bộ vào sổ đơn")
    GRANT = "grant", _("Được lãnh đạo đồng ý")


class IdentityReveal(models.Model):
    """Append-only log of every time someone saw (or corrected) a reporter's identity.

    It names the fields shown, never their values. No update or delete through the app (the
    queryset and the model refuse) or the admin (not registered); on PostgreSQL a trigger
    refuses both (migration 0003).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Xem danh tính")
        EVIDENCE = "evidence", _("Mở tài liệu có thể làm lộ danh tính")
        CORRECT = "correct", _("Đính chính thông tin")

    # What counts as seeing an identity (a correction is logged after the reveal it needed).
    SEEING_ACTIONS = (Action.VIEW, Action.EVIDENCE)

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="identity_reveals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identity_reveals"
    )
    revealed_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    action = models.CharField(_("việc"), max_length=20, choices=Action.choices, default=Action.VIEW)
    fields = models.JSONField(_("thông tin đã xem"), default=list)
    reporter = models.ForeignKey(
        Reporter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Người gửi đơn được đính chính; trống khi xem danh tính cả vụ việc."),
    )
    reason = models.TextField(_("lý do"))
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    basis = models.CharField(_("căn cứ"), max_length=30, choices=IdentityBasis.choices)
    access_request = models.ForeignKey(
        "IdentityAccessRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
    )
    # The one-time token of the form that asked for this reveal: submitting the same form again
    # (a reload) finds it used and shows nothing.
    nonce = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt xem danh tính")
        verbose_name_plural = _("nhật ký xem danh tính")
        ordering = ["-revealed_at", "-id"]
        permissions = [("view_access_log", _("Xem nhật ký truy cập danh tính"))]

    def __str__(self) -> str:
        return f"{self.case} · {self.user} · {self.revealed_at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("IdentityReveal is append-only: a logged reveal never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("IdentityReveal is append-only: a logged reveal is never removed.")


class IdentityAccessRequestQuerySet(QuerySet):
    def delete(self):
        raise AppendOnlyError("Identity access requests are kept: no delete.")


class IdentityAccessRequest(models.Model):
    """A verifier's request to see a reporter's identity, decided once by the head.

    Decided requests never change again and no request is ever deleted; on PostgreSQL a
    trigger enforces both (migration 0003).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        GRANTED = "granted", _("Đồng ý")
        REFUSED = "refused", _("Từ chối")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="identity_access_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identity_requests"
    )
    reason = models.TextField(_("lý do đề nghị"))
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="identity_requests_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decision_reason = models.TextField(_("lý do quyết định"), blank=True)
    valid_until = models.DateTimeField(_("hiệu lực đến"), null=True, blank=True)

    objects = IdentityAccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị xem danh tính")
        verbose_name_plural = _("đề nghị xem danh tính")
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("request_identity_access", _("Đề nghị xem danh tính người gửi đơn")),
            ("decide_identity_access", _("Quyết định đề nghị xem danh tính")),
        ]
        constraints = [
            # One open request per person and case: asking twice does not queue twice.
            models.UniqueConstraint(
                fields=["case", "requested_by"],
                condition=models.Q(status="pending"),
                name="identity_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.requested_by} · {self.get_status_display()}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Identity access requests are kept: no delete.")

    def is_in_force(self, now) -> bool:
        return (
            self.status == self.Status.GRANTED
            and self.valid_until is not None
            and self.valid_until > now
        )


class ProtectionRequest(models.Model):
    """Đề nghị áp dụng biện pháp bảo vệ (Chương VI Luật Tố cáo, Nghị định 31/2019)."""

    class Channel(models.TextChoices):
        WRITTEN = "written", _("Bằng văn bản")
        IN_PERSON = "in_person", _("Trực tiếp")
        PHONE_EMERGENCY = "phone_emergency", _("Khẩn cấp qua điện thoại")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        GRANTED = "granted", _("Áp dụng biện pháp bảo vệ")
        REFUSED = "refused", _("Không áp dụng")
        ENDED = "ended", _("Đã chấm dứt")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="protection_requests"
    )
    received_on = models.DateField(_("ngày nhận đề nghị"))
    channel = models.CharField(_("hình thức"), max_length=20, choices=Channel.choices)
    written_followup_on = models.DateField(
        _("ngày nhận văn bản bổ sung"),
        null=True,
        blank=True,
        help_text=_("Đề nghị khẩn cấp qua điện thoại phải được bổ sung bằng văn bản."),
    )
    # Why protection is asked, decided or ended, who carries a measure out, what the
    # retaliation was: free text that points at the reporter, so encrypted like the identity.
    reason = EncryptedTextField(_("lý do đề nghị"))
    requested_measures = models.JSONField(_("biện pháp đề nghị"), default=list)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protection_decisions",
    )
    decision_document = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decision_reason = EncryptedTextField(_("lý do"), blank=True)
    ended_on = models.DateField(_("ngày chấm dứt"), null=True, blank=True)
    end_reason = EncryptedTextField(_("lý do chấm dứt"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="protection_requests_recorded",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề nghị bảo vệ")
        verbose_name_plural = _("đề nghị bảo vệ")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("record_protection", _("Ghi nhận đề nghị bảo vệ, phản ánh bị trả thù")),
            ("decide_protection", _("Quyết định áp dụng biện pháp bảo vệ")),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.received_on:%d/%m/%Y}"

    @property
    def requested_measure_labels(self) -> list[str]:
        kinds = dict(ProtectionMeasure.Kind.choices)
        return [str(kinds[kind]) for kind in self.requested_measures if kind in kinds]


class ProtectedPerson(models.Model):
    """A person to protect: the reporter, or their spouse, parent or child."""

    class Relation(models.TextChoices):
        REPORTER = "reporter", _("Người tố cáo")
        SPOUSE = "spouse", _("Vợ hoặc chồng")
        PARENT = "parent", _("Cha, mẹ")
        CHILD = "child", _("Con")

    request = models.ForeignKey(ProtectionRequest, on_delete=models.CASCADE, related_name="persons")
    relation = models.CharField(_("quan hệ"), max_length=20, choices=Relation.choices)
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.PROTECT, related_name="protections"
    )
    full_name = EncryptedTextField(_("họ và tên"), blank=True)
    id_number = EncryptedTextField(_("số CCCD/CMND"), blank=True)
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    phone = EncryptedTextField(_("số điện thoại"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người được bảo vệ")
        verbose_name_plural = _("người được bảo vệ")
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"{self.request} · {self.get_relation_display()}"


class ProtectionMeasure(models.Model):
    class Kind(models.TextChoices):
        SECRECY = "secrecy", _("Bảo vệ bí mật thông tin")
        JOB = "job", _("Bảo vệ vị trí công tác, việc làm")
        LIFE_HEALTH = "life_health", _("Bảo vệ tính mạng, sức khỏe")
        PROPERTY = "property", _("Bảo vệ tài sản")
        HONOUR = "honour", _("Bảo vệ danh dự, nhân phẩm")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("Đang áp dụng")
        ENDED = "ended", _("Đã kết thúc")

    request = models.ForeignKey(
        ProtectionRequest, on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("biện pháp"), max_length=20, choices=Kind.choices)
    carried_out_by = EncryptedTextField(_("cơ quan thực hiện"))
    started_on = models.DateField(_("ngày bắt đầu"))
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.IN_FORCE
    )
    note = EncryptedTextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biện pháp bảo vệ")
        verbose_name_plural = _("biện pháp bảo vệ")
        ordering = ["request", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.started_on:%d/%m/%Y})"


class RetaliationReport(models.Model):
    """Phản ánh bị trả thù, trù dập."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang xử lý")
        HANDLED = "handled", _("Đã xử lý")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="retaliation_reports"
    )
    protection_request = models.ForeignKey(
        ProtectionRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retaliation_reports",
    )
    reported_on = models.DateField(_("ngày phản ánh"))
    description = EncryptedTextField(_("sự việc"))
    action_taken = EncryptedTextField(_("biện pháp xử lý"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    handled_on = models.DateField(_("ngày xử lý xong"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="retaliation_reports_recorded",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phản ánh bị trả thù, trù dập")
        verbose_name_plural = _("phản ánh bị trả thù, trù dập")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.reported_on:%d/%m/%Y}"
