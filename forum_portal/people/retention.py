"""How long the portal keeps things, rule by rule, and the nightly run that removes what is past
its period.

Each rule removes (or cuts the person out of) one kind of record once its period, a setting, has
passed. The kernel registers its own rules here; a rung registers its rules from its
``AppConfig.ready()``, for example::

    from forum_portal.people import retention

    retention.register(
        retention.RetentionRule(
            key="answer_links",
            title="Answers no longer linked to the person who gave them",
            setting="RETAIN_ANSWER_LINK",
            apply=services.unlink_old_answers,  # (*, now) -> how many were removed
        )
    )

``apply_retention`` runs every rule on its own (one that fails is logged and the rest still run),
then records what it removed in the audit trail and the log.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from forum_portal.audit.services import forget_old_addresses, record_event
from forum_portal.notify.services import delete_old_email_bodies

from . import services

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    title: str
    # The name of the timedelta setting that holds the period, e.g. "RETAIN_EMAIL_RECORDS".
    setting: str
    # Removes what is past the period at ``now``; returns how many records it removed or changed.
    apply: Callable[..., int]

    @property
    def period(self) -> timedelta:
        return getattr(settings, self.setting)


_RULES: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    _RULES[rule.key] = rule
    return rule


def rules() -> list[RetentionRule]:
    return list(_RULES.values())


def apply_retention(*, now: datetime | None = None) -> dict[str, int | None]:
    """Run every retention rule and report what each removed.

    Each rule runs on its own: one that fails is logged, reported as ``None``, and does not stop
    the others. The counts are recorded as one ``retention.applied`` audit event and a log line.
    """
    now = now or timezone.now()
    removed: dict[str, int | None] = {}
    for rule in rules():
        try:
            removed[rule.key] = rule.apply(now=now)
        except Exception:
            logger.exception("Retention rule %s failed.", rule.key)
            removed[rule.key] = None
    failed = [key for key, count in removed.items() if count is None]
    record_event("retention.applied", removed=removed, failed=failed)
    logger.info(
        "Retention: %s.%s",
        ", ".join(f"{key} {'failed' if count is None else count}" for key, count in removed.items()),
        f" Failed: {', '.join(failed)}." if failed else "",
    )
    return removed


register(
    RetentionRule(
        "unverified_accounts",
        "Accounts whose email address was never confirmed",
        "RETAIN_UNVERIFIED_ACCOUNTS",
        services.delete_unverified_accounts,
    )
)
register(RetentionRule("data_exports", "Data downloads", "RETAIN_DATA_EXPORTS", services.delete_expired_exports))
register(RetentionRule("email_bodies", "What sent emails said", "RETAIN_EMAIL_RECORDS", delete_old_email_bodies))
register(
    RetentionRule(
        "audit_addresses",
        "Email and IP addresses in the audit trail",
        "RETAIN_AUDIT",
        forget_old_addresses,
    )
)
