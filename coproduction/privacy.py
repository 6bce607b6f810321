"""The co-production section of "Download my data", and what happens to it when an account goes.

What a person wrote stays with the project (the team's record must stay whole), but it no longer
names them: the team member row loses its link to the account and reads "a parent carer" or
"a professional".
"""

from .models import Activity, CornerstonesRating, DocumentComment, DocumentVersion, TeamMember


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def collect(user) -> list[dict]:
    rows = []
    members = TeamMember.objects.filter(user=user).select_related("project")
    for member in members:
        rows.append(
            {
                "project": member.project.title,
                "side": member.get_side_display(),
                "lead": member.is_lead,
                "name_shown_publicly": member.show_name,
                "joined": _iso(member.joined_at),
                "left": _iso(member.left_at),
                "document_versions_written": DocumentVersion.objects.filter(author=member).count(),
                "four_cornerstones_ratings": [
                    {
                        "month": rating.period.isoformat(),
                        **{score: getattr(rating, score) for score in CornerstonesRating.SCORES},
                        "comment": rating.comment,
                    }
                    for rating in CornerstonesRating.objects.filter(member=member).order_by("period")
                ],
                "comments": [
                    {"when": _iso(comment.created_at), "text": comment.text}
                    for comment in DocumentComment.objects.filter(author=member).order_by("created_at")
                ],
            }
        )
    return rows


def anonymise(user) -> None:
    """Contributions stay, unnamed: the team member rows keep their side but lose the account."""
    TeamMember.objects.filter(user=user).update(user=None, show_name=False, is_lead=False)
    Activity.objects.filter(actor=user).update(actor=None)
