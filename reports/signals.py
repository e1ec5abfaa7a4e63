"""Keep the report read model (CaseFact) in step with the case timeline, in the same
transaction as the step that changed it.

Timeline events are never deleted on their own (they are the audit trail); code that rewrites
them in bulk, or writes them with bulk_create, calls `reports.facts.facts_refresh`.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Case, CaseEvent
from reports import facts


@receiver(post_save, sender=CaseEvent, dispatch_uid="reports_fact_on_event")
def refresh_fact_on_event(sender, instance: CaseEvent, raw: bool = False, **kwargs):
    if raw or instance.kind not in facts.RELEVANT_KINDS:
        return
    facts.fact_refresh_case(instance.case)


@receiver(post_save, sender=Case, dispatch_uid="reports_fact_on_case")
def refresh_fact_on_case(sender, instance: Case, created: bool, update_fields=None, **kwargs):
    # A new case gets its fact from its RECEIVED step, recorded right after it.
    if created or kwargs.get("raw"):
        return
    if update_fields is not None and not facts.CLASSIFICATION_FIELDS & set(update_fields):
        return
    facts.fact_refresh_case(instance)
