from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for the access log; behind the TLS proxy, the one the proxy appended
    last (earlier X-Forwarded-For entries are whatever the client sent)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
