"""Writes about people: joining the forum and the consents that guard a member's optional data."""

import csv
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Iterable
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forum_portal.audit.services import record_event
from forum_portal.notify.services import queue_email

from . import privacy
from .models import (
    ChildAgeBand,
    ChildNeed,
    ConsentRecord,
    DataExport,
    Membership,
    Organisation,
    ParentCarerProfile,
    User,
)

logger = logging.getLogger(__name__)


def join_forum(user: User, *, full_name: str = "") -> ParentCarerProfile:
    """Make ``user`` a parent carer member of the forum.

    Joining means accepting the privacy notice, so it is recorded in the consent history. Joining
    twice returns the existing profile unchanged.
    """
    with transaction.atomic():
        profile, created = ParentCarerProfile.objects.get_or_create(
            user=user, defaults={"privacy_notice_accepted_at": timezone.now()}
        )
        if created:
            ConsentRecord.objects.create(user=user, purpose=ConsentRecord.Purpose.PRIVACY_NOTICE, given=True)
        if full_name and full_name != user.full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
    return profile


def leave_forum(user: User) -> None:
    """Stop being a parent carer member: the profile and all its optional data are deleted."""
    with transaction.atomic():
        deleted, _ = ParentCarerProfile.objects.filter(user=user).delete()
        if deleted:
            ConsentRecord.objects.create(user=user, purpose=ConsentRecord.Purpose.PRIVACY_NOTICE, given=False)


def set_profile_data(
    profile: ParentCarerProfile,
    *,
    postcode_district: str | None,
    age_bands: Iterable[str] | None,
    needs: Iterable[str] | None,
) -> ParentCarerProfile:
    """Store or delete each kind of optional data according to its own consent.

    ``None`` means the member does not consent to that kind: whatever was stored is deleted and
    the withdrawal recorded. A value means consent: the data is stored and, if consent is new,
    the time of consent recorded. Each change of consent adds a row to the consent history.
    """
    now = timezone.now()
    records = []

    def consent_changed(consented_at, now_consents: bool, purpose) -> bool:
        if now_consents == (consented_at is not None):
            return False
        records.append(ConsentRecord(user=profile.user, purpose=purpose, given=now_consents, at=now))
        return True

    with transaction.atomic():
        profile = ParentCarerProfile.objects.select_for_update().get(pk=profile.pk)

        if consent_changed(
            profile.postcode_consented_at, postcode_district is not None, ConsentRecord.Purpose.POSTCODE
        ):
            profile.postcode_consented_at = now if postcode_district is not None else None
        profile.postcode_district = (postcode_district or "").strip().upper()

        if consent_changed(profile.age_bands_consented_at, age_bands is not None, ConsentRecord.Purpose.AGE_BANDS):
            profile.age_bands_consented_at = now if age_bands is not None else None
        profile.age_bands.all().delete()
        ChildAgeBand.objects.bulk_create(ChildAgeBand(profile=profile, age_band=band) for band in set(age_bands or ()))

        if consent_changed(profile.needs_consented_at, needs is not None, ConsentRecord.Purpose.NEEDS):
            profile.needs_consented_at = now if needs is not None else None
        profile.needs.all().delete()
        ChildNeed.objects.bulk_create(ChildNeed(profile=profile, need=need) for need in set(needs or ()))

        profile.save()
        ConsentRecord.objects.bulk_create(records)
    return profile


def add_membership(
    user: User, organisation: Organisation, *, role: str = Membership.Role.MEMBER, job_title: str = ""
) -> Membership:
    """Put ``user`` in ``organisation``; an existing membership gets the new role and title."""
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "job_title": job_title}
    )
    return membership


def delete_unverified_accounts(*, now=None) -> int:
    """Delete accounts whose email address was never verified within RETAIN_UNVERIFIED_ACCOUNTS.

    Each goes through the same steps as "Delete my account" (every privacy section's anonymise
    step first), without the confirmation email: the address was never shown to be theirs.
    Officers, forum staff and admins are never deleted this way: their accounts are made by the
    forum, not by signing up.
    """
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(
        date_joined__lt=now - settings.RETAIN_UNVERIFIED_ACCOUNTS, is_staff=False, memberships__isnull=True
    ).exclude(pk__in=verified)
    deleted = 0
    for user in stale:
        delete_account(user, reason="never verified", send_confirmation=False)
        deleted += 1
    return deleted


# --- Privacy: download my data, delete my account ----------------------------------------------


def request_data_export(user: User) -> DataExport:
    """Start preparing a download of everything the portal holds about ``user``.

    Only one is prepared at a time: asking again while one is being prepared returns that one.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per person
        export = DataExport.objects.filter(user=user, status=DataExport.Status.PREPARING).first()
        if export is not None:
            return export
        export = DataExport.objects.create(user=user, expires_at=timezone.now() + settings.RETAIN_DATA_EXPORTS)
        record_event("data_export.requested", actor=user, obj=export)
        transaction.on_commit(lambda: _start_building(export.pk))
    return export


def _start_building(export_id: int) -> None:
    from .tasks import build_data_export_task

    try:
        build_data_export_task.delay(export_id)
    except Exception:  # noqa: BLE001 - the broker is away; build_waiting_exports picks it up later
        logger.warning("Could not reach the broker for data download %s; it will be built later.", export_id)


def build_data_export(export: DataExport) -> DataExport:
    """Collect every registered section into a ZIP of JSON and CSV, then email the person a link.

    Progress is saved after each section so the person's page can show it. A build that fails
    (a section raising, the file not saving) marks the download failed, so the page says so and
    offers to try again, instead of showing "preparing" for ever; the error is logged.
    """
    try:
        return _build_data_export(export)
    except Exception:
        logger.exception("Could not prepare data download %s.", export.pk)
        DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PREPARING).update(
            status=DataExport.Status.FAILED
        )
        export.status = DataExport.Status.FAILED
        return export


def _build_data_export(export: DataExport) -> DataExport:
    sections = privacy.sections()
    everything = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, section in enumerate(sections, start=1):
            rows = section.collect(export.user)
            everything[section.key] = {"title": section.title, "rows": rows}
            archive.writestr(f"{section.key}.csv", _rows_to_csv(rows))
            DataExport.objects.filter(pk=export.pk).update(progress=round(100 * done / len(sections)))
        archive.writestr("everything.json", json.dumps(everything, indent=2, ensure_ascii=False, default=str))
        archive.writestr(
            "README.txt",
            f"Everything {settings.FORUM_NAME} holds about {export.user.email}, prepared "
            f"{timezone.now():%d %B %Y at %H:%M}.\n"
            "everything.json has all of it; each .csv file has one part, for a spreadsheet.\n",
        )
    with transaction.atomic():
        export.file.save(f"{uuid.uuid4().hex}.zip", ContentFile(buffer.getvalue()), save=False)
        export.status = DataExport.Status.READY
        export.progress = 100
        export.ready_at = timezone.now()
        # The download is kept for its lifetime from when it can be fetched, not from the request.
        export.expires_at = export.ready_at + settings.RETAIN_DATA_EXPORTS
        export.save(update_fields=["file", "status", "progress", "ready_at", "expires_at"])
        queue_email(
            kind="account",
            to=export.user,
            template="data_export_ready",
            context={"export": export, "url": settings.SITE_URL + reverse("people:data-export")},
            dedupe_key=f"data_export_ready:{export.pk}",
        )
    return export


def _rows_to_csv(rows: list[dict]) -> str:
    output = io.StringIO()
    if rows:
        writer = csv.DictWriter(output, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return output.getvalue()


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def build_waiting_exports(*, now=None) -> int:
    """Build downloads still preparing after 5 minutes (their task never reached a worker).

    Each is built on its own: one that fails is marked failed and logged, and the rest are still
    built. Returns how many were built.
    """
    now = now or timezone.now()
    waiting = DataExport.objects.filter(
        status=DataExport.Status.PREPARING, created_at__lt=now - timedelta(minutes=5)
    ).select_related("user")
    built = 0
    for export in waiting:
        try:
            if build_data_export(export).status == DataExport.Status.READY:
                built += 1
        except Exception:
            logger.exception("Could not prepare data download %s.", export.pk)
    return built


def delete_expired_exports(*, now=None) -> int:
    """Delete downloads (and their files) once RETAIN_DATA_EXPORTS has passed since they were
    ready (or, for one never ready, since it was asked for)."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(expires_at__lte=now))
    for export in expired:
        export.file.delete(save=False)
        export.delete()
    return len(expired)


def delete_account_on_request(user: User, *, by: User, received_on: date, reference: str = "") -> None:
    """Forum staff delete ``user``'s account because the person asked in writing.

    The trail records who did it, the date the request arrived and where it is kept, never what
    it said. A forum admin's account, or one's own, is never deleted this way.
    """
    if user.is_staff or user.is_superuser or user.pk == by.pk:
        raise ValidationError("A forum admin's account, or your own, cannot be deleted on request here.")
    if received_on > timezone.localdate():
        raise ValidationError("The date the request arrived must be today or in the past.")
    delete_account(
        user, by=by, written_request={"received_on": received_on.isoformat(), "reference": reference.strip()}
    )


def delete_account(
    user: User,
    *,
    by: User | None = None,
    reason: str = "",
    send_confirmation: bool = True,
    written_request: dict | None = None,
) -> None:
    """Delete ``user``'s account and what is only theirs; keep what others rely on, anonymised.

    Each registered privacy section first cuts the person's link to what must stay (consultation
    answers, co-production decisions, the audit trail), so published results do not change. A
    confirmation goes to the address the account had, unless ``send_confirmation`` is off.
    """
    address = user.email
    by_someone_else = by is not None and by.pk != user.pk
    detail = {"account_id": user.pk, "on_request": by_someone_else}
    if reason:
        detail["reason"] = reason
    if written_request:
        detail["written_request"] = written_request
    with transaction.atomic():
        for section in privacy.sections():
            if section.anonymise is not None:
                section.anonymise(user)
        for export in DataExport.objects.filter(user=user):
            export.file.delete(save=False)
        user.delete()
        # The trail keeps the account's number, not who it was: the person asked to be forgotten.
        record_event("account.deleted", actor=by if by_someone_else else None, **detail)
        if send_confirmation:
            queue_email(
                kind="account",
                to=address,
                template="account_deleted",
                context={"by_staff": by_someone_else},
                dedupe_key=f"account_deleted:{uuid.uuid4()}",
            )
