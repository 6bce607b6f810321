from django.conf import settings


def portal(request):
    """Values every page uses. No database access here: the floor page must need none."""
    return {"forum_name": settings.FORUM_NAME}
