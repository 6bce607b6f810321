"""Who may read and write guides and news: role × article state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from information.models import Article
from tests.factories import ForumStaffFactory, OfficerFactory, ParentCarerFactory, UserFactory
from tests.factories.information import ArticleFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "visitor": lambda: AnonymousUser(),
    "signed in": lambda: UserFactory(),
    "parent carer": lambda: ParentCarerFactory(),
    "officer": lambda: OfficerFactory(),
    "staff without two-factor": lambda: ForumStaffFactory(two_factor=False),
    "forum staff": lambda: ForumStaffFactory(),
}

# (role, status) -> may view
VIEW = {
    ("visitor", "draft"): False,
    ("visitor", "published"): True,
    ("signed in", "draft"): False,
    ("signed in", "published"): True,
    ("parent carer", "draft"): False,
    ("parent carer", "published"): True,
    ("officer", "draft"): False,
    ("officer", "published"): True,
    ("staff without two-factor", "draft"): False,
    ("staff without two-factor", "published"): True,
    ("forum staff", "draft"): True,
    ("forum staff", "published"): True,
}
WRITE = {role: role == "forum staff" for role in ROLES}


@pytest.mark.parametrize(("role", "status"), list(VIEW))
def test_view_article_by_role_and_status(role, status):
    user = ROLES[role]()
    article = ArticleFactory(status=status)

    assert user.has_perm("information.view_article", article) is VIEW[(role, status)]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("perm", ["add_article", "change_article", "publish_article", "change_topic"])
def test_writing_articles_is_for_forum_staff_with_two_factor(role, perm):
    user = ROLES[role]()
    article = ArticleFactory(status=Article.Status.DRAFT)

    assert user.has_perm(f"information.{perm}", article) is WRITE[role]


@pytest.mark.parametrize("role", list(ROLES))
def test_following_topics_needs_an_account(role):
    user = ROLES[role]()

    assert user.has_perm("information.follow_topics") is (role != "visitor")
