from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from forum_portal.people.rules import has_two_factor


class ShownNotChanged:
    """An admin, or an inline, that shows its rows and changes none of them: they are a record of
    what happened (history, the audit trail), or they are made and changed on the portal's own
    pages, which check the rules and keep the history; a change made here would be silent."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalAdminSite(admin.AdminSite):
    site_header = f"{settings.FORUM_NAME} admin"
    site_title = "Forum Portal admin"
    index_title = "Forum administration"

    def has_permission(self, request):
        return super().has_permission(request) and has_two_factor(request.user)

    def login(self, request, extra_context=None):
        """Admins sign in through the portal's sign-in (with its rate limits and second factor)."""
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated and user.is_staff and not has_two_factor(user):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
