import pytest

from forum_portal.people import services
from forum_portal.people.models import ChildAgeBand, ChildNeed, ConsentRecord, Membership, ParentCarerProfile, User
from tests.factories import OrganisationFactory, ParentCarerFactory, UserFactory

pytestmark = pytest.mark.django_db


def consent_log(user):
    return list(ConsentRecord.objects.filter(user=user).order_by("id").values_list("purpose", "given"))


def test_join_forum_creates_profile_and_records_privacy_consent():
    user = UserFactory(full_name="")

    profile = services.join_forum(user, full_name="Robin Lee")

    assert profile.user == user
    assert user.full_name == "Robin Lee"
    assert consent_log(user) == [("privacy_notice", True)]


def test_join_forum_twice_keeps_one_profile_and_one_record():
    user = UserFactory()
    first = services.join_forum(user)

    second = services.join_forum(user)

    assert first.pk == second.pk
    assert ParentCarerProfile.objects.filter(user=user).count() == 1
    assert consent_log(user) == [("privacy_notice", True)]


def test_set_profile_data_stores_each_kind_with_its_consent_time():
    profile = services.join_forum(UserFactory())

    profile = services.set_profile_data(profile, postcode_district="bs16 ", age_bands=["5-10", "0-4"], needs=["ASD"])

    assert profile.postcode_district == "BS16"
    assert profile.postcode_consented_at is not None
    assert sorted(ChildAgeBand.objects.filter(profile=profile).values_list("age_band", flat=True)) == ["0-4", "5-10"]
    assert list(ChildNeed.objects.filter(profile=profile).values_list("need", flat=True)) == ["ASD"]
    assert consent_log(profile.user) == [
        ("privacy_notice", True),
        ("postcode", True),
        ("age_bands", True),
        ("needs", True),
    ]


def test_set_profile_data_withdrawing_consent_deletes_that_data_only():
    profile = services.join_forum(UserFactory())
    profile = services.set_profile_data(profile, postcode_district="BS16", age_bands=["5-10"], needs=["ASD"])
    consented_at = profile.postcode_consented_at

    profile = services.set_profile_data(profile, postcode_district="BS16", age_bands=["5-10"], needs=None)

    assert profile.needs_consented_at is None
    assert ChildNeed.objects.filter(profile=profile).count() == 0
    assert list(profile.age_bands.values_list("age_band", flat=True)) == ["5-10"]
    assert profile.postcode_consented_at == consented_at
    assert consent_log(profile.user)[-1] == ("needs", False)


def test_set_profile_data_changing_data_keeps_the_original_consent():
    profile = services.set_profile_data(
        services.join_forum(UserFactory()), postcode_district="BS16", age_bands=None, needs=None
    )
    records_before = ConsentRecord.objects.count()

    profile = services.set_profile_data(profile, postcode_district="M1", age_bands=None, needs=None)

    assert profile.postcode_district == "M1"
    assert ConsentRecord.objects.count() == records_before


def test_leave_forum_deletes_profile_and_its_data_and_records_it():
    user = ParentCarerFactory()
    services.set_profile_data(user.parent_carer_profile, postcode_district="BS16", age_bands=["5-10"], needs=["ASD"])

    services.leave_forum(user)

    assert not ParentCarerProfile.objects.filter(user=user).exists()
    assert ChildAgeBand.objects.count() == 0
    assert ChildNeed.objects.count() == 0
    assert ConsentRecord.objects.filter(user=user).first().purpose == "privacy_notice"
    assert ConsentRecord.objects.filter(user=user).first().given is False


def test_add_membership_twice_updates_the_role():
    user = UserFactory()
    organisation = OrganisationFactory()
    services.add_membership(user, organisation)

    services.add_membership(user, organisation, role=Membership.Role.MANAGER, job_title="Lead")

    assert list(Membership.objects.filter(user=user).values_list("role", "job_title")) == [("manager", "Lead")]


def test_delete_unverified_accounts_removes_only_old_unverified_sign_ups(time_machine):
    time_machine.move_to("2026-01-01 12:00Z")
    old_unverified = UserFactory(verified=False)
    old_verified = UserFactory()
    old_officer_unverified = UserFactory(verified=False)
    Membership.objects.create(user=old_officer_unverified, organisation=OrganisationFactory())
    time_machine.move_to("2026-01-25 12:00Z")
    recent_unverified = UserFactory(verified=False)
    time_machine.move_to("2026-02-01 12:00Z")

    deleted = services.delete_unverified_accounts()

    assert deleted == 1
    assert sorted(User.objects.values_list("pk", flat=True)) == sorted(
        [old_verified.pk, old_officer_unverified.pk, recent_unverified.pk]
    )
    assert not User.objects.filter(pk=old_unverified.pk).exists()
