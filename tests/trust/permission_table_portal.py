"""The kernel's own pages: home and the other public pages, the account, email choices."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from forum_portal.notify.services import unsubscribe_token
from forum_portal.people.models import DataExport

from .walker import FORBIDDEN, LOGIN, NOT_FOUND, OK, redirect, row


def build(world):
    now = timezone.now()

    def export(status, expires_at):
        made = DataExport.objects.create(user=world.parent, status=status, expires_at=expires_at)
        if status == DataExport.Status.READY:
            made.file.save("export.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
        return made

    world.export_ready = export(DataExport.Status.READY, now + timedelta(days=7))
    world.export_preparing = export(DataExport.Status.PREPARING, now + timedelta(days=7))
    world.export_expired = export(DataExport.Status.READY, now - timedelta(minutes=1))


ROWS = [
    row("home", everyone=OK),
    row("about", everyone=OK),
    row("accessibility", everyone=OK),
    row("privacy", everyone=OK),
    row("healthz", everyone=OK),
    # Served only while `make bench` measures the portal.
    row("bench-floor", everyone=NOT_FOUND),
    row(
        "dashboard",
        visitor=LOGIN,
        officer=OK,
        other_officer=OK,
        staff=OK,
        admin=OK,
        others=FORBIDDEN,
    ),
    row("people:account", visitor=LOGIN, signed_in=OK),
    row(
        "people:join",
        visitor=LOGIN,
        parent=redirect("people:profile"),
        other_parent=redirect("people:profile"),
        signed_in=OK,
    ),
    # Only members have a profile; anyone else is offered to join (a superuser too: it has every
    # permission, but no profile to show).
    row("people:profile", visitor=LOGIN, parent=OK, other_parent=OK, signed_in=redirect("people:join")),
    row("people:leave", visitor=LOGIN, parent=OK, other_parent=OK, signed_in=FORBIDDEN),
    row("people:data-export", visitor=LOGIN, signed_in=OK),
    row(
        "people:data-export-download",
        state="the parent's download, ready",
        kwargs=lambda world: {"pk": world.export_ready.pk},
        visitor=LOGIN,
        parent=OK,
        others=NOT_FOUND,
    ),
    row(
        "people:data-export-download",
        state="the parent's download, still being prepared",
        kwargs=lambda world: {"pk": world.export_preparing.pk},
        visitor=LOGIN,
        others=NOT_FOUND,
    ),
    row(
        "people:data-export-download",
        state="the parent's download, expired",
        kwargs=lambda world: {"pk": world.export_expired.pk},
        visitor=LOGIN,
        others=NOT_FOUND,
    ),
    row("people:account-delete", visitor=LOGIN, signed_in=OK),
    # Forum staff (and admins) delete an account when its owner asks in writing.
    row("people:account-delete-on-request", visitor=LOGIN, staff=OK, admin=OK, others=FORBIDDEN),
    row("notify:preferences", visitor=LOGIN, signed_in=OK),
    row(
        "notify:unsubscribe",
        state="a signed link for a switchable kind",
        kwargs=lambda world: {"token": unsubscribe_token(world.parent.email, "trust_news")},
        everyone=OK,
    ),
    row(
        "notify:unsubscribe",
        state="a link whose signature was altered",
        kwargs=lambda world: {"token": unsubscribe_token(world.parent.email, "trust_news")[:-2] + "xx"},
        everyone=NOT_FOUND,
    ),
    row(
        "notify:unsubscribe",
        state="a signed link for essential mail",
        kwargs=lambda world: {"token": unsubscribe_token(world.parent.email, "account")},
        everyone=NOT_FOUND,
    ),
]
