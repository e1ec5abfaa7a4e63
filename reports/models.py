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


class CaseFact(models.Model):
    """One row per case: the dated facts of its procedure, read by every report.

    Derived from the case's timeline (CaseEvent, each step with the date it took effect) by
    `reports.facts`, refreshed in the same transaction whenever a step is recorded. A report for
    a period ending on day E reads each case "as it stood on E" by comparing these dates with E,
    so a step taken after E never changes that period's figures. One narrow row per case keeps a
    year's report a single pass over one table (see README "Benchmarks").
    """

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="report_fact"
    )
    # Classification, as the case is classified now.
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    field = models.ForeignKey(
        "cases.Field", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    corruption_related = models.BooleanField(default=False)

    received_on = models.DateField()
    # The handling due date the RECEIVED step put in force.
    handling_due = models.DateField(null=True)
    # Eligibility check (the latest one) and its outcome.
    eligible_on = models.DateField(null=True)
    eligible = models.BooleanField(null=True)
    # First handling decision of any kind (urging included): the petition counts as handled.
    handled_on = models.DateField(null=True)
    urged_on = models.DateField(null=True)
    # The decision that settled the handling: accepted, forwarded, guided, returned, filed (or
    # urged when nothing followed the urging).
    decision = models.CharField(max_length=20, blank=True)
    decision_on = models.DateField(null=True)
    accepted_on = models.DateField(null=True)
    accepted_due = models.DateField(null=True)
    # Extensions (the law allows two at most) and the resolution due date each put in force.
    ext1_on = models.DateField(null=True)
    ext1_due = models.DateField(null=True)
    ext2_on = models.DateField(null=True)
    ext2_due = models.DateField(null=True)
    # The step that ended the procedure: concluded, withdrawn, suspended, or a closing handling
    # decision (forwarded, guided, returned, filed).
    finished_on = models.DateField(null=True)
    finish_kind = models.CharField(max_length=20, blank=True)
    finding = models.CharField(max_length=20, blank=True)
    # Whether every due date in force was met (handling, then resolution), decided once the
    # case is finished: nothing later can change it.
    on_time = models.BooleanField(null=True)
    resolution_on_time = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("số liệu vụ việc")
        verbose_name_plural = _("số liệu vụ việc")
        indexes = [
            models.Index(fields=["received_on"], name="reports_fact_received"),
            models.Index(fields=["finished_on"], name="reports_fact_finished"),
        ]

    def __str__(self) -> str:
        return f"#{self.case_id}"
