"""The rung's panels on the home page and on staff's dashboard (see forum_portal.ladder)."""

from django.utils import timezone

from . import selectors

PANEL_ROWS = 5


def home_context(request) -> dict:
    return {"latest": selectors.latest_articles(limit=3)}


def dashboard_context(request) -> dict | None:
    """Staff's queue: pages past their review date and drafts. Nothing for anyone else."""
    if not request.user.has_perm("information.change_article"):
        return None
    overdue = selectors.articles_past_review(timezone.localdate())
    drafts = selectors.draft_articles()
    return {
        "overdue": list(overdue[:PANEL_ROWS]),
        "overdue_count": overdue.count(),
        "drafts": list(drafts[:PANEL_ROWS]),
        "draft_count": drafts.count(),
    }
