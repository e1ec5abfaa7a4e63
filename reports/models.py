from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSnapshot(models.Model):
    """A finalised report (chốt số liệu): the figures of a period as they were when the head
    signed them off, so a later export can say whether today's data still agrees."""

    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    figures = models.JSONField(_("số liệu"))
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_snapshots"
    )
    finalized_at = models.DateTimeField(_("thời điểm chốt"), auto_now_add=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("báo cáo đã chốt")
        verbose_name_plural = _("báo cáo đã chốt")
        ordering = ["-end", "-finalized_at"]
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="report_snapshot_unique_period")
        ]
        permissions = [
            ("view_reports", _("Xem báo cáo thống kê")),
            ("finalize_report", _("Chốt số liệu báo cáo")),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
