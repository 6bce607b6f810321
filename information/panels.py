"""The rung's panels on the home page and on staff's dashboard (see forum_portal.ladder)."""

from django.db.models import Count, Q
from django.utils import timezone

from . import selectors
from .models import Article

PANEL_ROWS = 5


def home_context(request) -> dict:
    return {"latest": selectors.latest_articles(limit=3)}


def dashboard_context(request) -> dict | None:
    """Staff's queue: pages past their review date and drafts. Nothing for anyone else."""
    if not request.user.has_perm("information.change_article"):
        return None
    today = timezone.localdate()
    overdue = selectors.articles_past_review(today).defer(*selectors.LONG_TEXT)
    drafts = selectors.draft_articles().defer(*selectors.LONG_TEXT)
    # Both counts in one query; the first filter is ArticleQuerySet.review_overdue's.
    counts = Article.objects.aggregate(
        overdue=Count("pk", filter=Q(review_due__lt=today)),
        drafts=Count("pk", filter=Q(status=Article.Status.DRAFT)),
    )
    return {
        "overdue": list(overdue[:PANEL_ROWS]),
        "overdue_count": counts["overdue"],
        "drafts": list(drafts[:PANEL_ROWS]),
        "draft_count": counts["drafts"],
    }
