from django.conf import settings

from forum_portal import ladder


def portal(request):
    """Values every page uses. No database access here: the floor page must need none."""
    return {"forum_name": settings.FORUM_NAME, "ladder_rungs": ladder.rungs()}
