"""What the portal holds about a person, section by section, for "Download my data" and
"Delete my account".

Each app registers a ``PersonalData`` section from its ``AppConfig.ready()``: ``collect`` returns
the person's rows as plain dicts (JSON-ready values), and ``anonymise`` (optional) cuts the link
between the person and what must outlive their account (answers, decisions), before the account is
deleted. The kernel's own sections are registered here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress

from forum_portal.notify.models import EmailOptOut, OutgoingEmail

from .models import ConsentRecord, Membership, ParentCarerProfile, User


@dataclass(frozen=True)
class PersonalData:
    key: str
    title: str
    collect: Callable[[User], list[dict]]
    anonymise: Callable[[User], None] | None = None


_SECTIONS: dict[str, PersonalData] = {}


def register(section: PersonalData) -> PersonalData:
    _SECTIONS[section.key] = section
    return section


def sections() -> list[PersonalData]:
    return list(_SECTIONS.values())


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _account(user: User) -> list[dict]:
    return [
        {
            "email": user.email,
            "name": user.full_name,
            "joined": _iso(user.date_joined),
            "last_sign_in": _iso(user.last_login),
            "email_addresses": ", ".join(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
        }
    ]


def _profile(user: User) -> list[dict]:
    profile = ParentCarerProfile.objects.filter(user=user).prefetch_related("age_bands", "needs").first()
    if profile is None:
        return []
    return [
        {
            "joined_forum": _iso(profile.joined_at),
            "privacy_notice_accepted": _iso(profile.privacy_notice_accepted_at),
            "postcode_district": profile.postcode_district,
            "childrens_age_bands": ", ".join(row.get_age_band_display() for row in profile.age_bands.all()),
            "childrens_needs": ", ".join(row.get_need_display() for row in profile.needs.all()),
        }
    ]


def _consents(user: User) -> list[dict]:
    return [
        {"when": _iso(record.at), "what": record.get_purpose_display(), "given": record.given}
        for record in ConsentRecord.objects.filter(user=user).order_by("at", "id")
    ]


def _memberships(user: User) -> list[dict]:
    return [
        {"organisation": row.organisation.name, "role": row.get_role_display(), "job_title": row.job_title}
        for row in Membership.objects.filter(user=user).select_related("organisation")
    ]


def _emails(user: User) -> list[dict]:
    return [
        {"queued": _iso(row.created_at), "kind": row.kind, "subject": row.subject, "status": row.status}
        for row in OutgoingEmail.objects.filter(user=user).order_by("created_at")
    ]


def _forget_emails(user: User) -> None:
    """Emails sent to the person stay counted, but no longer say who they went to or what they said."""
    OutgoingEmail.objects.filter(user=user).update(
        recipient="deleted@invalid", body_text="", body_html="", headers={}, user=None
    )
    EmailOptOut.objects.filter(email=user.email.lower()).delete()


register(PersonalData("account", "Your account", _account))
register(PersonalData("profile", "Your forum profile", _profile))
register(PersonalData("consents", "Your consent history", _consents))
register(PersonalData("memberships", "Organisations you work for", _memberships))
register(PersonalData("emails", "Emails we sent you", _emails, anonymise=_forget_emails))
