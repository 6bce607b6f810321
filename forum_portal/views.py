"""Pages of the portal as a whole: home, about, accessibility, privacy, dashboard, health, errors."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from forum_portal import fragments, ladder
from forum_portal.celery import app as celery_app
from forum_portal.people.views import PortalPermissionMixin


class HomeView(TemplateView):
    """The four steps of the ladder, each with what is happening on it now."""

    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rungs = ladder.rungs()
        # Each panel is a cached fragment: one cache query for all four while nothing has changed.
        html = fragments.render_many(
            [
                fragments.Fragment(
                    key=f"home:{rung.app_label}",
                    source=rung.app_label,
                    render=partial(self.render_panel, rung),
                    timeout=ladder.HOME_PANEL_SECONDS,
                )
                for rung in rungs
            ]
        )
        context["panels"] = {rung.app_label: panel for rung, panel in zip(rungs, html, strict=True)}
        return context

    def render_panel(self, rung: ladder.Rung) -> str:
        panel = rung.home_context(self.request) if rung.home_context else {}
        return render_to_string(rung.home_template, {"rung": rung, "panel": panel})


def period_in_words(period: timedelta) -> str:
    """A retention period as the privacy notice says it: "2 years", "1 year", "30 days"."""
    days = period.days
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


class PrivacyView(TemplateView):
    """The privacy notice. Its periods are the settings the nightly retention run applies."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retain"] = {
            "unverified_accounts": period_in_words(settings.RETAIN_UNVERIFIED_ACCOUNTS),
            "email_records": period_in_words(settings.RETAIN_EMAIL_RECORDS),
            "data_exports": period_in_words(settings.RETAIN_DATA_EXPORTS),
            "audit": period_in_words(settings.RETAIN_AUDIT),
            "answer_link": period_in_words(settings.RETAIN_ANSWER_LINK),
        }
        return context


class FloorView(TemplateView):
    """The benchmark's floor: the layout with no database access, to measure pages against.

    Served only when BENCH_FLOOR_PAGE is on (``make bench`` turns it on); a 404 otherwise.
    """

    template_name = "pages/floor.html"

    def get(self, request, *args, **kwargs):
        if not settings.BENCH_FLOOR_PAGE:
            raise Http404
        return super().get(request, *args, **kwargs)


class DashboardView(PortalPermissionMixin, TemplateView):
    """What needs an officer or a member of forum staff next. Each rung adds its own panel."""

    permission_required = "people.view_dashboard"
    template_name = "pages/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        # The permission and every rung's panel ask who the person is: the answers people.rules
        # keeps on the user, worked out once here from the list of memberships the page shows.
        user = request.user
        self.memberships = []
        if user.is_authenticated:
            self.memberships = list(user.memberships.select_related("organisation"))
            user._organisations = {item.organisation_id: item.organisation.kind for item in self.memberships}
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.memberships
        panels = []
        for rung in ladder.rungs():
            panel = rung.dashboard_context(self.request) if rung.dashboard_context else None
            if panel is not None:
                panels.append((rung, panel))
        context["panels"] = panels
        return context


@never_cache
def healthz(request):
    """Database and broker status for load balancers and monitoring; 503 without a database."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        status["database"] = "unavailable"
    try:
        # One try, no retries or sleeps between them: with the broker away the answer comes within
        # the connect timeout (CELERY_BROKER_CONNECTION_TIMEOUT, 2 s), before a load balancer's
        # probe gives up; and only the database makes the portal unhealthy.
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except Exception:  # noqa: BLE001 - the broker being away is reported, pages still work
        status["broker"] = "unavailable"
    return JsonResponse(status, status=200 if status["database"] == "ok" else 503)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request's context: the database may be the reason for the error.
    return HttpResponseServerError(render_to_string("500.html", {"forum_name": settings.FORUM_NAME}))
