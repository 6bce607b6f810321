from django.conf import settings

from .services import request_ip


class AuditContextMiddleware:
    """Remember the address of the request in progress, for the audit events it causes.

    Behind a proxy the connecting address is the proxy's; AUDIT_CLIENT_IP_HEADER names the header
    the proxy puts the client's address in (only set it if the proxy overwrites that header).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.meta_key = settings.AUDIT_CLIENT_IP_HEADER or "REMOTE_ADDR"

    def __call__(self, request):
        address = request.META.get(self.meta_key) or request.META.get("REMOTE_ADDR") or None
        token = request_ip.set(address.split(",")[0].strip() if address else None)
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)
