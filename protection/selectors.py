"""Reads on reporter identities that never decrypt anything."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from protection.models import Reporter
from protection.services import ReporterData, index_id_number, index_name, index_phone


def reporters_matching(data: ReporterData) -> QuerySet[Reporter]:
    """Reporters of other petitions with the same ID number, or the same phone, through the
    blind index."""
    conditions = Q(pk__in=[])
    id_index = index_id_number(data.id_number)
    phone_index = index_phone(data.phone)
    if id_index:
        conditions |= Q(id_number_index=id_index)
    if phone_index:
        conditions |= Q(phone_index=phone_index)
    return Reporter.objects.filter(conditions)


def same_name_and_phone(data: ReporterData) -> QuerySet[Reporter]:
    name_index, phone_index = index_name(data.full_name), index_phone(data.phone)
    if not (name_index and phone_index):
        return Reporter.objects.none()
    return Reporter.objects.filter(name_index=name_index, phone_index=phone_index)
