from django.conf import settings

from forum_portal import ladder


def portal(request):
    """Values every page uses. No database access here: the floor page must need none."""
    return {
        "forum_name": settings.FORUM_NAME,
        "forum_contact_email": settings.FORUM_CONTACT_EMAIL,
        "ladder_rungs": ladder.rungs(),
    }
