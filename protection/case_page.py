"""What the identity vault and the protection of denouncers give the case page and the
kernel's services, through the interface the kernel defines (cases.extensions).

Registered from ProtectionConfig.ready().
"""

from cases import extensions
from cases.models import Case
from protection import access, selectors, services
from protection.models import Reporter, pseudonym


class Vault:
    """The identity vault as the kernel sees it."""

    def reporters_shown(self, case: Case) -> list[extensions.ShownReporter]:
        # Only the columns a pseudonym needs: identity fields are not even decrypted here.
        return [
            extensions.ShownReporter(pseudonym(case.kind, position), representative)
            for position, representative in Reporter.objects.filter(case=case)
            .order_by("position")
            .values_list("position", "is_representative")
        ]

    def may_see_identity(self, user, case: Case) -> bool:
        return access.identity_access(user, case) is not None

    def evidence_open(self, *, case, by, evidence_id, reason, ip_address, user_agent) -> None:
        services.identity_evidence_open(
            case=case,
            by=by,
            evidence_id=evidence_id,
            reason=reason,
            ip_address=ip_address,
            user_agent=user_agent,
        )


def identity_panel(request, case: Case, actions):
    if case.anonymous:
        return None
    return selectors.identity_panel(user=request.user, case=case)


def protection_panel(request, case: Case, actions):
    # Protection (Chapter VI of the Law on Denunciations) is for those who denounce.
    if case.kind != Case.Kind.DENUNCIATION:
        return None
    user = request.user
    panel = selectors.protection_panel(case)
    return {
        "requests": panel.requests,
        "retaliation_reports": panel.retaliation_reports,
        # Asked only when there is a request to link to (it may cost a query).
        "can_read": bool(panel.requests) and access.can_read_protection(user, case),
        "can_record": user.has_perm("protection.record_protection"),
        "can_decide": user.has_perm("protection.decide_protection"),
    }


def register() -> None:
    extensions.register_identity_vault(Vault())
    extensions.register_case_panel(
        extensions.CasePanel("reporters", "protection/_identity_panel.html", identity_panel)
    )
    extensions.register_case_panel(
        extensions.CasePanel("people", "protection/_protection_panel.html", protection_panel)
    )
