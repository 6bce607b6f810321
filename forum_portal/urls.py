from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/floor/", views.FloorView.as_view(), name="bench-floor"),
    path("information/", include("information.urls")),
    path("openreferral/", include("information.api_urls")),
    path("consultations/", include("consultations.urls")),
    path("get-involved/", include("participation.urls")),
    path("coproduction/", include("coproduction.urls")),
    path("account/", include("forum_portal.people.urls")),
    path("accounts/", include("allauth.urls")),
    path("email/", include("forum_portal.notify.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "forum_portal.views.permission_denied"
handler404 = "forum_portal.views.page_not_found"
handler500 = "forum_portal.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
