"""Who may do what on the first rung. Everyone reads what is published; forum staff write."""

import rules

from forum_portal.people.rules import has_two_factor, is_forum_staff


@rules.predicate
def is_published(user, article) -> bool:
    return article is not None and article.is_published


is_editor = is_forum_staff & has_two_factor

rules.add_perm("information.view_article", is_published | is_editor)
rules.add_perm("information.add_article", is_editor)
rules.add_perm("information.change_article", is_editor)
rules.add_perm("information.publish_article", is_editor)
rules.add_perm("information.change_topic", is_editor)
rules.add_perm("information.follow_topics", rules.is_authenticated)
