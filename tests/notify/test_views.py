import pytest
from django.test import Client
from django.urls import reverse

from forum_portal.notify import kinds, services
from forum_portal.notify.models import EmailOptOut
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFERENCES_URL = reverse("notify:preferences")


def unsubscribe_url(address="robin@example.org", kind="test_news"):
    return reverse("notify:unsubscribe", args=[services.unsubscribe_token(address, kind)])


def opt_outs():
    return list(EmailOptOut.objects.order_by("email", "kind").values_list("email", "kind"))


def test_unsubscribe_get_valid_token_asks_to_confirm(client, test_kinds):
    response = client.get(unsubscribe_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Stop emails about forum news (test)?" in content
    assert "We will stop sending these emails to robin@example.org." in content
    assert opt_outs() == []


def test_unsubscribe_post_opts_out(client, test_kinds):
    response = client.post(unsubscribe_url())

    assert response.status_code == 200
    assert "We will not send emails about forum news (test) to robin@example.org any more." in response.content.decode()
    assert opt_outs() == [("robin@example.org", "test_news")]


def test_unsubscribe_one_click_post_without_csrf_token_opts_out(test_kinds):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_url(), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert opt_outs() == [("robin@example.org", "test_news")]


def test_unsubscribe_post_twice_keeps_one_opt_out(client, test_kinds):
    client.post(unsubscribe_url())

    response = client.post(unsubscribe_url())

    assert response.status_code == 200
    assert opt_outs() == [("robin@example.org", "test_news")]


@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_tampered_token_is_not_found(client, test_kinds, method):
    url = unsubscribe_url()
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = reverse("notify:unsubscribe", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])

    response = getattr(client, method)(tampered)

    assert response.status_code == 404
    assert "The link to stop these emails is not valid." in response.content.decode()
    assert opt_outs() == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_essential_kind_token_is_not_found(client, method):
    response = getattr(client, method)(unsubscribe_url(kind=kinds.ACCOUNT.key))

    assert response.status_code == 404
    assert "The link to stop these emails is not valid." in response.content.decode()
    assert opt_outs() == []


def test_preferences_visitor_is_sent_to_sign_in(client):
    response = client.get(PREFERENCES_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PREFERENCES_URL}"


def test_preferences_shows_kinds_ticked_unless_switched_off(client, test_kinds):
    user = UserFactory(email="Robin@Example.org")
    services.opt_out("robin@example.org", "test_news")
    client.force_login(user)

    response = client.get(PREFERENCES_URL)

    assert response.status_code == 200
    assert response.context["form"].initial == {
        "wanted": [kind.key for kind in kinds.switchable() if kind.key != "test_news"]
    }
    assert "Forum news (test)" in response.content.decode()


def test_preferences_post_saves_exactly_the_unwanted_kinds(client, test_kinds):
    user = UserFactory(email="robin@example.org")
    services.opt_out("robin@example.org", "test_events")
    client.force_login(user)

    response = client.post(PREFERENCES_URL, {"wanted": ["test_events", "test_evening"]})

    assert response.status_code == 302
    assert response["Location"] == PREFERENCES_URL
    assert opt_outs() == sorted(
        ("robin@example.org", kind.key)
        for kind in kinds.switchable()
        if kind.key not in {"test_events", "test_evening"}
    )


def test_preferences_post_everything_wanted_removes_all_opt_outs(client, test_kinds):
    user = UserFactory(email="robin@example.org")
    services.opt_out("robin@example.org", "test_news")
    services.opt_out("someone.else@example.org", "test_news")
    client.force_login(user)

    response = client.post(PREFERENCES_URL, {"wanted": [kind.key for kind in kinds.switchable()]})

    assert response.status_code == 302
    assert opt_outs() == [("someone.else@example.org", "test_news")]


def test_preferences_post_unknown_kind_is_refused(client, test_kinds):
    user = UserFactory(email="robin@example.org")
    client.force_login(user)

    response = client.post(PREFERENCES_URL, {"wanted": ["account"]})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "wanted": ["Select a valid choice. account is not one of the available choices."]
    }
    assert opt_outs() == []
