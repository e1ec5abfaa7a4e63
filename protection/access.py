"""Who may see a reporter's identity: need-to-know (docs/product.md#identity-protection).

Three bases, and nothing else: the head, on any case they may open; the officer who registered
the case; anyone whose access request the head granted and which has not expired. Opening the
case is a precondition decided by `cases.access` (a case the user may not open is a 404), so
everyone here has already passed that rule; `identity_access` never widens it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from protection.models import IdentityAccessRequest, IdentityBasis


@dataclass(frozen=True)
class IdentityAccess:
    basis: str
    access_request: IdentityAccessRequest | None = None


def active_grant(user, case, *, now=None) -> IdentityAccessRequest | None:
    now = now or timezone.now()
    return (
        IdentityAccessRequest.objects.filter(
            case=case,
            requested_by=user,
            status=IdentityAccessRequest.Status.GRANTED,
            valid_until__gt=now,
        )
        .order_by("-valid_until")
        .first()
    )


def identity_access(user, case, *, now=None) -> IdentityAccess | None:
    """On what basis `user` may see the identities of `case`'s reporters, or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.has_perm("protection.reveal_identity_any"):
        return IdentityAccess(IdentityBasis.HEAD)
    if case.registered_by_id == user.pk and user.has_perm("cases.register_case"):
        return IdentityAccess(IdentityBasis.REGISTRAR)
    grant = active_grant(user, case, now=now)
    if grant is not None:
        return IdentityAccess(IdentityBasis.GRANT, grant)
    return None


def can_correct_identity(access: IdentityAccess | None) -> bool:
    """Typos are fixed by whoever holds the record (the registering officer) or the head; a
    time-limited grant is for reading only."""
    return access is not None and access.basis in (IdentityBasis.HEAD, IdentityBasis.REGISTRAR)


def can_request_access(user, access: IdentityAccess | None) -> bool:
    return access is None and user.has_perm("protection.request_identity_access")


def can_decide_access(user) -> bool:
    return user.has_perm("protection.decide_identity_access")


def can_record_protection(user) -> bool:
    return user.has_perm("protection.record_protection")


def can_decide_protection(user) -> bool:
    return user.has_perm("protection.decide_protection")


def can_read_protection(user, case) -> bool:
    """The details of a protection request (its reasons, the measures and who carries them
    out, what the retaliation was) point straight at the reporter: they are for those who
    record or decide protection and for those who may see the identity. A verifier learns only
    that protection exists (Law on Denunciations, Art. 56)."""
    return (
        can_record_protection(user)
        or can_decide_protection(user)
        or identity_access(user, case) is not None
    )


def can_read_access_log(user) -> bool:
    return user.has_perm("protection.view_access_log")
