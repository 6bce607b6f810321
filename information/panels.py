"""The rung's panels on the home page and on staff's dashboard (see forum_portal.ladder)."""

from django.db import connection
from django.db.models import CharField, Count, Q, Value
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
    # Both lists in one query (UNION ALL of the two, each limited), both counts in another.
    overdue = _tagged(selectors.articles_past_review(today), "overdue")
    drafts = _tagged(selectors.draft_articles().select_related("owner"), "draft")
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(overdue[:PANEL_ROWS].union(drafts[:PANEL_ROWS], all=True))
    else:  # SQLite (make run) cannot limit the parts of a UNION: one query each there.
        rows = [*overdue[:PANEL_ROWS], *drafts[:PANEL_ROWS]]
    counts = Article.objects.aggregate(
        # The first filter is ArticleQuerySet.review_overdue's.
        overdue=Count("pk", filter=Q(review_due__lt=today)),
        drafts=Count("pk", filter=Q(status=Article.Status.DRAFT)),
    )
    return {
        # A union keeps no order of its own: each list is put back in its selector's order.
        "overdue": sorted((row for row in rows if row.panel == "overdue"), key=lambda row: (row.review_due, row.pk)),
        "overdue_count": counts["overdue"],
        "drafts": sorted(
            (row for row in rows if row.panel == "draft"), key=lambda row: (row.updated_at, row.pk), reverse=True
        ),
        "draft_count": counts["drafts"],
    }


def _tagged(articles, panel: str):
    return articles.defer(*selectors.LONG_TEXT).annotate(panel=Value(panel, output_field=CharField()))
