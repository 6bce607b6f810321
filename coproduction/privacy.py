"""The co-production section of "Download my data", and what happens to it when an account goes.

What a person wrote stays with the project (the team's record must stay whole), but it no longer
names them: the team member row loses its link to the account and reads "a parent carer" or
"a professional".
"""

from allauth.account.models import EmailAddress

from .models import Activity, CornerstonesRating, DocumentComment, DocumentVersion, Invitation, TeamMember


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


def _invitations_to(user):
    addresses = {
        user.email.lower(),
        *(e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
    }
    return Invitation.objects.filter(email__in=addresses).select_related("project")


def collect_invitations(user) -> list[dict]:
    """Invitations to join a team sent to any of the person's addresses."""
    return [
        {
            "project": invitation.project.title,
            "sent_to": invitation.email,
            "side": invitation.get_side_display(),
            "lead": invitation.is_lead,
            "sent": _iso(invitation.invited_at),
            "status": invitation.get_status_display(),
            "answered": _iso(invitation.answered_at),
        }
        for invitation in _invitations_to(user).order_by("invited_at", "id")
    ]


def anonymise_invitations(user) -> None:
    """An invitation is only an address and an answer: it goes with the account. Those the person
    sent stay with the project, without their name (the link is cleared when the account goes)."""
    _invitations_to(user).delete()
