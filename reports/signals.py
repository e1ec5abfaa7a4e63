"""Keep the report read model (CaseFact) in step with the case timeline, in the same
transaction as the step that changed it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import Case, CaseEvent
from reports import facts


@receiver(post_save, sender=CaseEvent, dispatch_uid="reports_fact_on_event")
@receiver(post_delete, sender=CaseEvent, dispatch_uid="reports_fact_on_event_delete")
def refresh_fact_on_event(sender, instance: CaseEvent, **kwargs):
    if instance.kind not in facts.RELEVANT_KINDS:
        return
    if (
        kwargs.get("signal") is post_delete
        and not Case.objects.filter(pk=instance.case_id).exists()
    ):
        return  # the case itself is being deleted; its fact goes with it
    facts.fact_refresh_case(instance.case)


@receiver(post_save, sender=Case, dispatch_uid="reports_fact_on_case")
def refresh_fact_on_case(sender, instance: Case, created: bool, update_fields=None, **kwargs):
    # A new case gets its fact from its RECEIVED step, recorded right after it.
    if created or kwargs.get("raw"):
        return
    if update_fields is not None and not facts.CLASSIFICATION_FIELDS & set(update_fields):
        return
    facts.fact_refresh_case(instance)
