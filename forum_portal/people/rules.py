"""Who people are, as django-rules predicates. Every app builds its permissions from these.

Predicates are questions about the person (``is_forum_staff``) or about the person and an object
(``is_officer_of``). Check them only through ``user.has_perm(perm, obj)``.
"""

import rules
from allauth.mfa.utils import is_mfa_enabled

from .models import Organisation


def organisations(user) -> dict[int, str]:
    """The kind of each organisation the person belongs to, by its id: one query, once per
    request-user object, answers every question below about the person."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_organisations", None)
    if cached is None:
        cached = dict(user.memberships.values_list("organisation_id", "organisation__kind"))
        user._organisations = cached
    return cached


def _membership_kinds(user) -> set[str]:
    return set(organisations(user).values())


@rules.predicate
def is_parent_carer(user) -> bool:
    """A signed-in person who has joined the forum as a parent carer."""
    if not user.is_authenticated:
        return False
    return hasattr(user, "parent_carer_profile")


@rules.predicate
def is_forum_staff(user) -> bool:
    """A member of the forum's own organisation."""
    return Organisation.Kind.FORUM in _membership_kinds(user)


@rules.predicate
def is_officer(user) -> bool:
    """A member of any partner organisation (council, NHS, school, provider, charity)."""
    return bool(_membership_kinds(user) - {Organisation.Kind.FORUM})


@rules.predicate
def is_officer_of(user, organisation) -> bool:
    """A member of this particular partner organisation."""
    if organisation is None or not user.is_authenticated or organisation.is_forum:
        return False
    return organisation.pk in organisations(user)


@rules.predicate
def is_forum_admin(user) -> bool:
    return user.is_authenticated and user.is_staff


@rules.predicate
def needs_two_factor(user) -> bool:
    """Officers, forum staff and forum admins must sign in with a second factor."""
    return is_forum_staff(user) or is_officer(user) or is_forum_admin(user)


@rules.predicate
def has_two_factor(user) -> bool:
    """Has set up an authenticator app. Asked by permissions and by the layout: one query, once per
    request-user object, like the memberships above."""
    if not user.is_authenticated:
        return False
    known = getattr(user, "_has_two_factor", None)
    if known is None:
        known = user._has_two_factor = is_mfa_enabled(user)
    return known


is_signed_in = rules.is_authenticated

rules.add_perm("people.view_own_account", is_signed_in)
rules.add_perm("people.join_forum", is_signed_in & ~is_parent_carer)
rules.add_perm("people.change_own_profile", is_parent_carer)
rules.add_perm("people.view_dashboard", (is_forum_staff | is_officer) & has_two_factor)
rules.add_perm("people.delete_account_on_request", is_forum_staff & has_two_factor)
