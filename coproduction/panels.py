"""What the home page and the dashboard show of co-production."""

from django.db.models import Prefetch

from .models import Decision
from .selectors import actions_for, documents_awaiting_sign_off_by, public_projects

HOME_PROJECTS = 3
HOME_DECISIONS = 2


def home_context(request) -> dict:
    """Public projects and the latest of their decisions."""
    projects = list(
        public_projects().prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("-decided_on", "-id"), to_attr="all_decisions")
        )[:HOME_PROJECTS]
    )
    for project in projects:
        project.latest_decisions = project.all_decisions[:HOME_DECISIONS]
    return {"projects": projects}


def dashboard_context(request) -> dict | None:
    """The person's open actions and the documents waiting for their sign-off; None if neither."""
    user = request.user
    actions = list(actions_for(user)[:10])
    documents = list(documents_awaiting_sign_off_by(user)[:10])
    if not actions and not documents:
        return None
    return {"actions": actions, "documents": documents}
