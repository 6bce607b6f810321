import logging
from importlib import import_module

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="people.clear_expired_sessions_task", acks_late=True, ignore_result=True)
def clear_expired_sessions_task() -> None:
    """Delete expired sign-in sessions, as ``manage.py clearsessions`` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="people.delete_unverified_accounts_task", acks_late=True, ignore_result=True)
def delete_unverified_accounts_task() -> int:
    deleted = services.delete_unverified_accounts()
    logger.info("Deleted %s account(s) never verified.", deleted)
    return deleted
