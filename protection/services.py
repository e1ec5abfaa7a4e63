"""Writes on reporter identities and their protection."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from protection import crypto
from protection.models import Reporter


@dataclass(frozen=True)
class ReporterData:
    """What an intake officer types about one signer of a petition."""

    full_name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    is_representative: bool = False


def index_name(value: str, *, key: str | None = None) -> str:
    return crypto.blind_index(crypto.normalize_text(value), purpose="name", key=key)


def index_id_number(value: str, *, key: str | None = None) -> str:
    return crypto.blind_index(crypto.normalize_digits(value), purpose="id_number", key=key)


def index_phone(value: str, *, key: str | None = None) -> str:
    return crypto.blind_index(crypto.normalize_digits(value), purpose="phone", key=key)


def reporter_indexes(reporter: Reporter, *, key: str | None = None) -> dict[str, str]:
    return {
        "name_index": index_name(reporter.full_name, key=key),
        "id_number_index": index_id_number(reporter.id_number, key=key),
        "phone_index": index_phone(reporter.phone, key=key),
    }


@transaction.atomic
def reporters_add(*, case, reporters: list[ReporterData], by=None) -> list[Reporter]:
    """Attach the signers of a petition to a case, encrypted, with one representative."""
    if not reporters:
        return []
    start = (case.reporters.order_by("-position").values_list("position", flat=True).first()) or 0
    has_representative = case.reporters.filter(is_representative=True).exists() or any(
        data.is_representative for data in reporters
    )
    created = []
    for offset, data in enumerate(reporters, start=1):
        reporter = Reporter(
            case=case,
            position=start + offset,
            # With several signers and nobody marked, the first one represents them.
            is_representative=data.is_representative or (not has_representative and offset == 1),
            full_name=data.full_name.strip(),
            id_number=data.id_number.strip(),
            phone=data.phone.strip(),
            address=data.address.strip(),
            email=data.email.strip(),
        )
        for name, value in reporter_indexes(reporter).items():
            setattr(reporter, name, value)
        reporter._history_user = by
        reporter.save()
        created.append(reporter)
    return created
