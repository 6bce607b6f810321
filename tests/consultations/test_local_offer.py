from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import services
from consultations.models import Consultation, LocalOfferComment
from consultations.selectors import answers_of_person
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory
from tests.factories.consultations import open_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return ForumStaffFactory()


@pytest.fixture
def round_(staff):
    council = OrganisationFactory(slug="brookshire-council", name="Brookshire Council")
    return services.start_local_offer_round(organisation=council, by=staff)


def test_a_round_is_open_for_a_year_with_the_reply_due_twelve_weeks_later(round_, staff):
    assert round_.phase() == "open"
    assert round_.closes_at - round_.opens_at == timedelta(days=365)
    assert round_.reply_due_at == round_.closes_at + timedelta(weeks=12)
    with pytest.raises(ValidationError):
        services.start_local_offer_round(organisation=round_.organisation, by=staff)


def test_only_a_local_authority_has_a_local_offer(staff):
    with pytest.raises(ValidationError):
        services.start_local_offer_round(organisation=OrganisationFactory(kind="nhs"), by=staff)


def test_moderation_keeps_out_comments_with_a_reason(round_, staff):
    comment = services.add_local_offer_comment(round_, aspect="missing", text="No list of holiday clubs.", user=None)

    with pytest.raises(ValidationError):
        services.moderate_comment(comment, decision="individual", by=staff)
    services.moderate_comment(comment, decision="individual", reason="About one school's place.", by=staff)

    comment.refresh_from_db()
    assert (comment.moderation, comment.moderation_reason, comment.moderated_by) == (
        "individual",
        "About one school's place.",
        staff,
    )


def test_no_comments_after_the_round_closes(round_):
    with pytest.raises(services.ConsultationClosedError):
        services.add_local_offer_comment(
            round_, aspect="content", text="Late", user=None, now=round_.closes_at + timedelta(minutes=1)
        )


def test_permissions_for_comments_and_moderation(round_, staff):
    ordinary = open_consultation()
    people = {
        "visitor": AnonymousUser(),
        "parent": ParentCarerFactory(),
        "officer": OfficerFactory(membership__organisation=round_.organisation),
        "staff": staff,
    }

    assert {name for name, user in people.items() if user.has_perm("consultations.comment_local_offer", round_)} == {
        "visitor",
        "parent",
        "officer",
        "staff",
    }
    assert {n for n, u in people.items() if u.has_perm("consultations.moderate_local_offer", round_)} == {"staff"}
    assert not staff.has_perm("consultations.moderate_local_offer", ordinary)
    assert not people["parent"].has_perm("consultations.comment_local_offer", ordinary)
    assert not people["parent"].has_perm("consultations.answer_consultation", round_)


def test_only_publishable_comments_reach_the_public_page(client, round_, staff):
    client.post(
        reverse("consultations:local-offer-comment", args=[round_.pk]),
        {"aspect": "accessibility", "text": "The search does not find short breaks."},
    )
    client.post(
        reverse("consultations:local-offer-comment", args=[round_.pk]),
        {"aspect": "content", "text": "My son's school refused him."},
    )
    publishable, individual = LocalOfferComment.objects.order_by("pk")
    client.force_login(staff)
    moderate = reverse("consultations:local-offer-moderate", args=[round_.pk])
    refused = client.post(moderate, {"comment": individual.pk, f"comment-{individual.pk}-decision": "individual"})
    assert "Say why the comment is kept out" in refused.content.decode()
    client.post(
        moderate,
        {
            "comment": individual.pk,
            f"comment-{individual.pk}-decision": "individual",
            f"comment-{individual.pk}-reason": "About one child.",
        },
    )
    client.post(moderate, {"comment": publishable.pk, f"comment-{publishable.pk}-decision": "publishable"})
    client.logout()

    content = client.get(round_.get_absolute_url()).content.decode()

    assert "The search does not find short breaks." in content
    assert "My son&#x27;s school refused him." not in content and "refused him" not in content


def test_moderation_page_query_count_is_the_same_for_one_and_five(client, round_, staff, django_assert_num_queries):
    services.add_local_offer_comment(round_, aspect="content", text="One", user=None)
    client.force_login(staff)
    moderate = reverse("consultations:local-offer-moderate", args=[round_.pk])
    client.get(moderate)
    with django_assert_num_queries(7) as one:
        client.get(moderate)
    for n in range(4):
        services.add_local_offer_comment(round_, aspect="content", text=f"More {n}", user=None)
    with django_assert_num_queries(len(one.captured_queries)):
        content = client.get(moderate).content.decode()
    assert content.count("Save decision") == 5


def test_comments_are_in_my_data_and_lose_the_person_on_deletion(round_):
    parent = ParentCarerFactory()
    comment = services.add_local_offer_comment(round_, aspect="missing", text="Nothing on transport.", user=parent)

    rows = answers_of_person(parent)
    services.anonymise_responses(parent)

    assert [(row["question"], row["answer"]) for row in rows] == [
        ("Something that is missing", "Nothing on transport.")
    ]
    comment.refresh_from_db()
    assert comment.user is None


def test_staff_dashboard_counts_comments_to_moderate(client, round_, staff):
    services.add_local_offer_comment(round_, aspect="content", text="One", user=None)
    client.force_login(staff)

    assert "1 Local Offer comment to moderate" in client.get(reverse("dashboard")).content.decode()


def test_public_round_page_query_count_is_the_same_for_one_and_five_comments(
    client, round_, staff, django_assert_num_queries
):
    def add_published(n):
        for i in range(n):
            comment = services.add_local_offer_comment(round_, aspect="content", text=f"Comment {i}", user=None)
            services.moderate_comment(comment, decision="publishable", by=staff)

    add_published(1)
    with django_assert_num_queries(20) as rendered:
        client.get(round_.get_absolute_url())
    # A visitor's page, with the published comments, from the cache.
    with django_assert_num_queries(1):
        client.get(round_.get_absolute_url())
    add_published(4)
    with django_assert_num_queries(len(rendered.captured_queries)):
        client.get(round_.get_absolute_url())
    with django_assert_num_queries(1):
        content = client.get(round_.get_absolute_url()).content.decode()
    assert content.count("<br>Comment ") == 5


def closed_round_with_comments(round_, staff):
    """The round's year is over; two comments publishable, one kept out."""
    texts = {"publishable": ["No list of holiday clubs.", "The map is hard to use."], "vexatious": ["Rubbish."]}
    comments = []
    for decision, lines in texts.items():
        for text in lines:
            comment = services.add_local_offer_comment(round_, aspect="content", text=text, user=None)
            reason = "" if decision == "publishable" else "Abusive."
            services.moderate_comment(comment, decision=decision, reason=reason, by=staff)
            comments.append(comment)
    Consultation.objects.filter(pk=round_.pk).update(
        opens_at=round_.opens_at - timedelta(days=400), closes_at=round_.closes_at - timedelta(days=400)
    )
    round_.refresh_from_db()
    return comments


def test_council_officers_tag_publishable_comments_and_answer_them_with_counts(client, round_, staff):
    holiday, map_, rude = closed_round_with_comments(round_, staff)
    officer = OfficerFactory(membership__organisation=round_.organisation)
    clubs = services.create_theme(round_, name="Holiday clubs")
    client.force_login(officer)

    results = client.get(reverse("consultations:results", args=[round_.pk])).content.decode()
    tagged = client.post(
        reverse("consultations:comment-tag", args=[round_.pk, holiday.pk]), {"themes": [str(clubs.pk), "x"]}
    )
    kept_out = client.post(reverse("consultations:comment-tag", args=[round_.pk, rude.pk]), {"themes": [clubs.pk]})
    reply = services.reply_for(round_)
    services.save_reply_item(
        reply,
        by=officer,
        you_said="Families could not find holiday clubs.",
        we_did="Listed them.",
        outcome="changed",
        theme=clubs,
    )
    services.publish_reply(reply, by=officer)
    public = client.get(round_.get_absolute_url()).content.decode()

    assert "No list of holiday clubs." in results and "The map is hard to use." in results
    tag_form = reverse("consultations:comment-tag", args=[round_.pk, holiday.pk])
    assert f'action="{tag_form}"' in results  # each publishable comment can be tagged there
    assert "Rubbish." not in results
    assert tagged.url == reverse("consultations:results", args=[round_.pk]) + f"#comment-{holiday.pk}"
    assert list(holiday.themes.all()) == [clubs]
    assert kept_out.status_code == 404 and list(rude.themes.all()) == []
    assert "Theme: Holiday clubs, raised in 1 comment" in public
    assert "Rubbish." not in public


def test_only_publishable_comments_can_be_tagged(round_, staff):
    holiday, _, rude = closed_round_with_comments(round_, staff)
    theme = services.create_theme(round_, name="Clubs")
    other = services.create_theme(open_consultation(), name="Elsewhere")

    with pytest.raises(ValidationError, match="Only publishable comments are tagged."):
        services.tag_comment(rude, themes=[theme])
    with pytest.raises(ValidationError, match="A theme belongs to one consultation."):
        services.tag_comment(holiday, themes=[other])


def test_local_offer_feedback_opens_again_each_year_on_its_own(round_, staff):
    other_council = OrganisationFactory(name="Eastshire Council", slug="eastshire")
    assert services.renew_local_offer_rounds() == []  # this year's round is still open

    later = round_.closes_at + timedelta(hours=1)
    renewed = services.renew_local_offer_rounds(now=later)
    again = services.renew_local_offer_rounds(now=later + timedelta(hours=1))

    assert [(r.organisation, r.opens_at, r.created_by) for r in renewed] == [(round_.organisation, later, None)]
    assert again == []
    assert not Consultation.objects.filter(organisation=other_council).exists()  # it never had one
    assert renewed[0].events.get().note == "Local Offer feedback opened for another year."
