"""Who is signed in, loaded once and kept while nothing about people changes.

Every signed-in page asks the database who the person is, which organisations they belong to and
whether they have set up two-factor sign-in: three queries before the page does anything of its
own. Where the fragments are in Redis (FRAGMENT_CACHE_URL), the person comes from there with those
answers, kept under the generations of the ``people`` and ``mfa`` apps (forum_portal/fragments.py):
a changed password, role, membership, organisation or authenticator starts a new generation, and
the next page reads the person from the database again. If Redis cannot be told of a change, what
it kept lapses within ``KEPT_SECONDS``.

Only the user row and those answers are kept: never a parent carer's profile.
"""

from functools import partial

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from forum_portal import fragments

from .rules import has_two_factor, organisations

KEPT_SECONDS = 60


class KeptPersonMixin:
    def get_user(self, user_id):
        return fragments.kept(
            f"person:{user_id}",
            partial(super().get_user, user_id),
            sources=("people", "mfa"),
            timeout=KEPT_SECONDS,
            before_keeping=_work_out_roles,
        )


def _work_out_roles(user) -> None:
    """Asked once, so that the answers are kept with the person."""
    organisations(user)
    has_two_factor(user)


class ModelBackend(KeptPersonMixin, DjangoModelBackend):
    """Django's: passwords, and model permissions for the admin site."""


class AuthenticationBackend(KeptPersonMixin, AllauthBackend):
    """allauth's: sign-in by email address."""
