"""Writes about people: joining the forum and the consents that guard a member's optional data."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ChildAgeBand, ChildNeed, ConsentRecord, Membership, Organisation, ParentCarerProfile, User


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

    Officers, forum staff and admins are never deleted this way: their accounts are made by the
    forum, not by signing up.
    """
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(
        date_joined__lt=now - settings.RETAIN_UNVERIFIED_ACCOUNTS, is_staff=False, memberships__isnull=True
    ).exclude(pk__in=verified)
    stale_ids = list(stale.values_list("pk", flat=True))
    User.objects.filter(pk__in=stale_ids).delete()
    return len(stale_ids)
