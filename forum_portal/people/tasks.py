import logging
from importlib import import_module

from celery import shared_task
from django.conf import settings

from . import retention, services
from .models import DataExport

logger = logging.getLogger(__name__)


@shared_task(name="people.clear_expired_sessions_task", acks_late=True, ignore_result=True)
def clear_expired_sessions_task() -> None:
    """Delete expired sign-in sessions, as ``manage.py clearsessions`` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="people.apply_retention_task", acks_late=True, ignore_result=True)
def apply_retention_task() -> dict[str, int | None]:
    return retention.apply_retention()


@shared_task(name="people.build_data_export_task", acks_late=True, ignore_result=True)
def build_data_export_task(export_id: int) -> None:
    export = DataExport.objects.filter(pk=export_id, status=DataExport.Status.PREPARING).select_related("user").first()
    if export is not None:
        services.build_data_export(export)


@shared_task(name="people.build_waiting_exports_task", acks_late=True, ignore_result=True)
def build_waiting_exports_task() -> int:
    return services.build_waiting_exports()
