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
from django.db.models import Q

from forum_portal.audit.models import AuditEvent
from forum_portal.audit.services import forget_person
from forum_portal.notify.models import EmailOptOut, OutgoingEmail

from .models import ConsentRecord, DataExport, Membership, ParentCarerProfile, User


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


def _addresses(user: User) -> set[str]:
    return {
        user.email.lower(),
        *(email.lower() for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
    }


def _emails(user: User) -> list[dict]:
    return [
        {"queued": _iso(row.created_at), "kind": row.kind, "subject": row.subject, "status": row.status}
        for row in OutgoingEmail.objects.filter(Q(user=user) | Q(recipient__in=_addresses(user))).order_by("created_at")
    ]


def _forget_emails(user: User) -> None:
    """Emails sent to the person stay counted, but no longer say who they went to or what they said."""
    # Account emails (the confirmation link, a password reset) are sent to an address, not linked
    # to the account: the person's addresses find them too.
    addresses = _addresses(user)
    OutgoingEmail.objects.filter(Q(user=user) | Q(recipient__in=addresses)).update(
        recipient="deleted@invalid", body_text="", body_html="", headers={}, user=None
    )
    EmailOptOut.objects.filter(email__in=addresses).delete()


def _activity(user: User) -> list[dict]:
    return [
        {"when": _iso(row.at), "what": row.action, "about": row.object_repr, "from_address": row.ip_address}
        for row in AuditEvent.objects.filter(actor=user).order_by("at", "id")
    ]


def _forget_activity(user: User) -> None:
    """The audit trail keeps what was done, but no longer who did it or from where."""
    subjects = [
        *ParentCarerProfile.objects.filter(user=user),
        *Membership.objects.filter(user=user),
        *DataExport.objects.filter(user=user),
    ]
    forget_person(user, subjects=subjects)


register(PersonalData("account", "Your account", _account))
register(PersonalData("profile", "Your forum profile", _profile))
register(PersonalData("consents", "Your consent history", _consents))
register(PersonalData("memberships", "Organisations you work for", _memberships))
register(PersonalData("emails", "Emails we sent you", _emails, anonymise=_forget_emails))
register(PersonalData("activity", "What you did, from our audit trail", _activity, anonymise=_forget_activity))
