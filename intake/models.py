from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceptionSession(models.Model):
    """Một buổi tiếp công dân."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Tiếp thường xuyên")
        PERIODIC = "periodic", _("Thủ trưởng tiếp định kỳ")
        AD_HOC = "ad_hoc", _("Thủ trưởng tiếp đột xuất")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Thủ trưởng trực tiếp tiếp")
        DELEGATED = "delegated", _("Ủy quyền cấp phó tiếp")

    held_on = models.DateField(_("ngày tiếp"))
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    mode = models.CharField(
        _("người chủ trì"),
        max_length=20,
        choices=Mode.choices,
        blank=True,
        help_text=_("Chỉ với buổi tiếp định kỳ, đột xuất của Thủ trưởng."),
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_sessions_hosted",
    )
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_sessions_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buổi tiếp công dân")
        verbose_name_plural = _("buổi tiếp công dân")
        ordering = ["-held_on", "-id"]
        permissions = [("log_reception", _("Ghi sổ tiếp công dân"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"


class ReceptionVisit(models.Model):
    """Một lượt tiếp: one person or group received in a session. It holds counts, never names;
    petitions registered in the visit link to it and keep their reporters in `protection`."""

    class Subject(models.TextChoices):
        COMPLAINT = "complaint", _("Khiếu nại")
        DENUNCIATION = "denunciation", _("Tố cáo")
        RECOMMENDATION = "recommendation", _("Kiến nghị, phản ánh")

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="visits")
    people_count = models.PositiveSmallIntegerField(_("số người"), default=1)
    is_large_group = models.BooleanField(_("đoàn đông người"), default=False)
    is_repeat = models.BooleanField(_("tiếp nhiều lần (vụ việc cũ)"), default=False)
    subject = models.CharField(_("nội dung"), max_length=20, choices=Subject.choices)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    outcome = models.TextField(_("kết quả tiếp"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt tiếp công dân")
        verbose_name_plural = _("lượt tiếp công dân")
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return f"{self.session} #{self.pk}"
