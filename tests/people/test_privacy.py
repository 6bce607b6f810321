import io
import json
import os
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from forum_portal.audit.models import AuditEvent
from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.people import privacy, services
from forum_portal.people.models import ConsentRecord, DataExport, ParentCarerProfile, User
from tests.factories import ForumStaffFactory, OfficerFactory, ParentCarerFactory, UserFactory, activate_totp
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent():
    user = ParentCarerFactory(email="robin@example.org", full_name="Robin Lee")
    services.set_profile_data(user.parent_carer_profile, postcode_district="BS16", age_bands=["5-10"], needs=["ASD"])
    return user


def read_zip(export: DataExport) -> dict[str, str]:
    export.file.open("rb")
    with zipfile.ZipFile(io.BytesIO(export.file.read())) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_request_data_export_twice_while_preparing_returns_the_same_one(parent):
    first = services.request_data_export(parent)

    second = services.request_data_export(parent)

    assert first.pk == second.pk
    assert DataExport.objects.filter(user=parent).count() == 1


def test_build_data_export_collects_every_section_and_emails_a_link(parent):
    export = services.request_data_export(parent)

    services.build_data_export(export)

    export.refresh_from_db()
    assert (export.status, export.progress) == ("ready", 100)
    files = read_zip(export)
    # The kernel's sections, and one more file for each section a rung registers.
    kernel = ["account.csv", "profile.csv", "consents.csv", "memberships.csv", "emails.csv"]
    registered = [f"{section.key}.csv" for section in privacy.sections()]
    assert set(kernel) <= set(registered)
    assert sorted(files) == sorted(["README.txt", "everything.json", *registered])
    everything = json.loads(files["everything.json"])
    assert everything["account"]["rows"][0]["email"] == "robin@example.org"
    assert everything["profile"]["rows"][0]["postcode_district"] == "BS16"
    assert everything["profile"]["rows"][0]["childrens_needs"] == "Autistic spectrum disorder"
    assert [row["what"] for row in everything["consents"]["rows"]] == [
        "Keep my postcode district",
        "Keep my children's age bands",
        "Keep my children's need categories",
    ]
    email = OutgoingEmail.objects.get(dedupe_key=f"data_export_ready:{export.pk}")
    assert email.recipient == "robin@example.org"
    assert f"{settings.SITE_URL}/account/data/" in email.body_text


def test_data_export_csv_defuses_spreadsheet_formulas():
    user = ParentCarerFactory(full_name="=HYPERLINK(1)")
    export = services.build_data_export(services.request_data_export(user))

    account_csv = read_zip(export)["account.csv"]

    assert "'=HYPERLINK(1)" in account_csv


def test_download_is_only_for_its_owner(client, parent):
    export = services.build_data_export(services.request_data_export(parent))
    url = reverse("people:data-export-download", args=[export.pk])

    client.force_login(ParentCarerFactory())
    other = client.get(url)
    client.force_login(parent)
    own = client.get(url)

    assert other.status_code == 404
    assert own.status_code == 200
    assert own["Content-Disposition"] == 'attachment; filename="my-forum-data.zip"'
    assert zipfile.ZipFile(io.BytesIO(b"".join(own.streaming_content))).namelist()[0].endswith(".csv")


def test_download_after_seven_days_is_gone(client, parent, time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    export = services.build_data_export(services.request_data_export(parent))
    client.force_login(parent)
    time_machine.move_to("2026-03-08 10:01Z")

    response = client.get(reverse("people:data-export-download", args=[export.pk]))

    assert response.status_code == 404


def test_delete_expired_exports_removes_file_and_row(parent, time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    export = services.build_data_export(services.request_data_export(parent))
    path = export.file.path
    time_machine.move_to("2026-03-08 10:01Z")

    deleted = services.delete_expired_exports()

    assert deleted == 1
    assert not DataExport.objects.exists()
    assert not os.path.exists(path)


def test_build_waiting_exports_builds_only_those_left_waiting(parent, time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    waiting = services.request_data_export(parent)
    time_machine.move_to("2026-03-01 10:04Z")
    fresh = services.request_data_export(ParentCarerFactory())
    time_machine.move_to("2026-03-01 10:06Z")

    built = services.build_waiting_exports()

    assert built == 1
    assert DataExport.objects.get(pk=waiting.pk).status == "ready"
    assert DataExport.objects.get(pk=fresh.pk).status == "preparing"


def test_delete_account_removes_the_person_and_forgets_their_emails(parent):
    services.queue_email(kind="account", to=parent, subject="Hello", body_text="Body", dedupe_key="k1")
    EmailOptOut.objects.create(email="robin@example.org", kind="anything")

    services.delete_account(parent, by=parent)

    assert not User.objects.filter(email="robin@example.org").exists()
    assert not ParentCarerProfile.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert not EmailOptOut.objects.exists()
    old = OutgoingEmail.objects.get(dedupe_key="k1")
    assert (old.recipient, old.body_text, old.user_id) == ("deleted@invalid", "", None)
    confirmation = OutgoingEmail.objects.get(dedupe_key__startswith="account_deleted:")
    assert confirmation.recipient == "robin@example.org"
    assert "You deleted your account." in confirmation.body_text


def test_delete_account_view_asks_for_the_password(client, parent):
    client.force_login(parent)

    response = client.post(reverse("people:account-delete"), {"password": "wrong", "confirm": "on"})

    assert "That password is not right" in response.content.decode()
    assert User.objects.filter(pk=parent.pk).exists()


def test_delete_account_view_deletes_and_signs_out(client, parent):
    client.force_login(parent)

    response = client.post(reverse("people:account-delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not User.objects.filter(pk=parent.pk).exists()
    assert "_auth_user_id" not in client.session


def test_admin_deletes_an_account_on_written_request(client, parent):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin_user)
    OfficerFactory()
    client.force_login(admin_user)

    client.post(
        reverse("admin:people_user_changelist"), {"action": "delete_on_request", "_selected_action": [parent.pk]}
    )

    assert not User.objects.filter(pk=parent.pk).exists()
    confirmation = OutgoingEmail.objects.get(dedupe_key__startswith="account_deleted:")
    assert "As you asked in writing, forum staff have deleted your account." in confirmation.body_text


def test_admin_offers_no_plain_delete_of_accounts(client, parent):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin_user)
    client.force_login(admin_user)

    response = client.get(reverse("admin:people_user_changelist"))

    assert [name for name, _ in response.context["action_form"].fields["action"].choices if name] == [
        "delete_on_request"
    ]


@pytest.fixture
def broken_section(monkeypatch):
    """A section whose collecting fails for people named "Broken", as a bug in a rung would."""

    def collect(user):
        if user.full_name == "Broken":
            raise RuntimeError("the section could not be read")
        return []

    monkeypatch.setitem(privacy._SECTIONS, "broken", privacy.PersonalData("broken", "Broken", collect))


def test_a_failing_build_marks_the_export_failed_and_logs_it(broken_section, caplog):
    export = services.request_data_export(ParentCarerFactory(full_name="Broken"))

    services.build_data_export(export)

    export.refresh_from_db()
    assert (export.status, export.file.name) == ("failed", "")
    assert f"Could not prepare data download {export.pk}." in caplog.text
    assert not OutgoingEmail.objects.filter(dedupe_key=f"data_export_ready:{export.pk}").exists()


def test_one_broken_export_does_not_stop_the_others_being_built(broken_section, time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    broken = services.request_data_export(ParentCarerFactory(full_name="Broken"))
    fine = services.request_data_export(ParentCarerFactory(full_name="Fine"))
    time_machine.move_to("2026-03-01 10:06Z")

    built = services.build_waiting_exports()

    assert built == 1
    assert DataExport.objects.get(pk=broken.pk).status == "failed"
    assert DataExport.objects.get(pk=fine.pk).status == "ready"


def test_the_page_says_plainly_when_a_download_could_not_be_prepared(client, broken_section):
    user = ParentCarerFactory(full_name="Broken")
    services.build_data_export(services.request_data_export(user))
    client.force_login(user)

    content = client.get(reverse("people:data-export")).content.decode()

    assert "We could not prepare your data" in content
    assert "It was not anything you did. Please try again." in content
    assert "Could not be prepared" in content
    assert '<button type="submit" class="govuk-button" data-module="govuk-button">Try again</button>' in content


def test_asking_again_after_a_failure_starts_a_new_download(broken_section):
    user = ParentCarerFactory(full_name="Broken")
    failed = services.build_data_export(services.request_data_export(user))

    again = services.request_data_export(user)

    assert again.pk != failed.pk
    assert again.status == "preparing"


def test_a_download_is_kept_seven_days_from_when_it_is_ready(parent, time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    export = services.request_data_export(parent)
    time_machine.move_to("2026-03-01 12:00Z", tick=False)

    services.build_data_export(export)

    export.refresh_from_db()
    assert export.expires_at.isoformat() == "2026-03-08T12:00:00+00:00"


@pytest.mark.parametrize("count", [1, 5])
def test_the_downloads_page_queries_do_not_grow_with_downloads(client, django_assert_num_queries, count):
    user = ParentCarerFactory()
    for _ in range(count):
        DataExport.objects.create(user=user, expires_at=timezone.now(), status="ready")
    client.force_login(user)
    client.get(reverse("people:data-export"))  # the session is loaded once before counting

    with django_assert_num_queries(4):
        response = client.get(reverse("people:data-export"))

    assert len(response.context["exports"]) == count


# --- forum staff delete an account on a written request ---------------------------------------


def request_data(email, *, day="3", month="3", year="2026", reference="Email of 3 March 2026"):
    return {
        "email": email,
        "received_on_0": day,
        "received_on_1": month,
        "received_on_2": year,
        "reference": reference,
    }


@pytest.fixture
def staff_client(client):
    staff = ForumStaffFactory(email="staff@example.org")
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_see_what_will_be_deleted_before_it_is(staff_client, parent, time_machine):
    time_machine.move_to("2026-03-05 10:00Z")

    response = staff_client.post(reverse("people:account-delete-on-request"), request_data("Robin@Example.org"))

    content = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Delete this account?</h1>' in content
    assert '<dd class="govuk-summary-list__value">robin@example.org</dd>' in content
    assert '<dd class="govuk-summary-list__value">3 March 2026</dd>' in content
    assert '<input type="hidden" name="received_on_0" value="3">' in content
    assert User.objects.filter(pk=parent.pk).exists()


def test_staff_confirm_and_the_account_is_deleted_with_the_request_in_the_trail(staff_client, parent, time_machine):
    time_machine.move_to("2026-03-05 10:00Z")
    parent_id = parent.pk

    response = staff_client.post(
        reverse("people:account-delete-on-request"), {**request_data("robin@example.org"), "confirmed": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=parent_id).exists()
    event = AuditEvent.objects.get(action="account.deleted")
    assert (event.actor_email, event.detail) == (
        "staff@example.org",
        {
            "account_id": parent_id,
            "on_request": True,
            "written_request": {"received_on": "2026-03-03", "reference": "Email of 3 March 2026"},
        },
    )
    email = OutgoingEmail.objects.get(recipient="robin@example.org")
    assert "As you asked in writing, forum staff have deleted your account." in email.body_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (request_data("nobody@example.org"), "There is no account with this email address. Check it and try again."),
        (request_data("staff@example.org"), "This is your own account. Delete it from your account page."),
        (request_data("admin@example.org"), "This is a forum admin&#x27;s account. Another forum admin deletes it."),
        (request_data("robin@example.org", day="6"), "The date the request arrived must be today or in the past"),
        (request_data("robin@example.org", day="31", month="2"), "Enter a real date, for example 27 3 2026"),
        (request_data("robin@example.org", year=""), "Enter the date the request arrived"),
    ],
    ids=["unknown", "own", "admin", "future", "not a date", "incomplete"],
)
def test_staff_are_told_what_is_wrong_and_nothing_is_deleted(staff_client, parent, time_machine, data, message):
    time_machine.move_to("2026-03-05 10:00Z")
    UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)

    response = staff_client.post(reverse("people:account-delete-on-request"), {**data, "confirmed": "yes"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert content.count(message) == 2  # the summary and the field
    assert f'value="{data["email"]}"' in content
    assert User.objects.count() == 3


@pytest.mark.parametrize("factory", [ParentCarerFactory, OfficerFactory], ids=["parent", "officer"])
def test_only_forum_staff_delete_accounts_on_request(client, parent, factory):
    client.force_login(factory())

    response = client.post(
        reverse("people:account-delete-on-request"), {**request_data("robin@example.org"), "confirmed": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=parent.pk).exists()


def test_the_staff_dashboard_links_to_deleting_on_request(staff_client):
    content = staff_client.get(reverse("dashboard")).content.decode()

    assert (
        '<a class="govuk-link" href="/account/delete-on-request/">Delete an account on a written request</a>' in content
    )
