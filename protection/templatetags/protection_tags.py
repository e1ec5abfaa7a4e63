"""The identity and protection panels of the case page, so that cases.views needs no
knowledge of them: templates/cases/detail.html includes protection/case_*.html, which call
these tags with the page's own context (the case and the signed-in user)."""

from django import template

from protection import access, selectors

register = template.Library()


@register.inclusion_tag("protection/_identity_panel.html", takes_context=True)
def identity_panel(context):
    request, case = context["request"], context["case"]
    return {
        "case": case,
        "panel": selectors.identity_panel(user=request.user, case=case),
        "perms": context.get("perms"),
    }


@register.inclusion_tag("protection/_protection_panel.html", takes_context=True)
def protection_panel(context):
    request, case = context["request"], context["case"]
    user = request.user
    panel = selectors.protection_panel(case)
    return {
        "case": case,
        "panel": panel,
        # Asked only when there is a request to link to (it may cost a query).
        "can_read": bool(panel.requests) and access.can_read_protection(user, case),
        "can_record": user.has_perm("protection.record_protection"),
        "can_decide": user.has_perm("protection.decide_protection"),
    }
