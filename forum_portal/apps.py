from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, behind the portal's own sign-in and two-factor check."""

    default_site = "forum_portal.admin.PortalAdminSite"
