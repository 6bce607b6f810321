"""Who may do what with a consultation, as django-rules predicates.

The role × state table is in docs/consultations.md and tested in tests/consultations/test_rules.py.
Officer and staff permissions all need two-factor sign-in.
"""

import rules

from forum_portal.people.rules import has_two_factor, is_forum_staff, is_officer, is_officer_of, is_parent_carer

from .models import Consultation, Phase


@rules.predicate
def is_owning_officer(user, consultation) -> bool:
    """An officer of the organisation that runs the consultation."""
    if consultation is None:
        return False
    return is_officer_of(user, consultation.organisation)


@rules.predicate
def is_draft(user, consultation) -> bool:
    return consultation is not None and consultation.status == Consultation.Status.DRAFT


@rules.predicate
def is_in_review(user, consultation) -> bool:
    return consultation is not None and consultation.status == Consultation.Status.IN_REVIEW


@rules.predicate
def is_public(user, consultation) -> bool:
    return consultation is not None and consultation.status in (
        Consultation.Status.APPROVED,
        Consultation.Status.WITHDRAWN,
    )


@rules.predicate
def is_open_for_answers(user, consultation) -> bool:
    return consultation is not None and consultation.phase() == Phase.OPEN


@rules.predicate
def is_closed(user, consultation) -> bool:
    return consultation is not None and consultation.phase() == Phase.CLOSED


@rules.predicate
def is_live_and_not_closed(user, consultation) -> bool:
    return consultation is not None and consultation.phase() in (Phase.UPCOMING, Phase.OPEN)


@rules.predicate
def allows_visitors(user, consultation) -> bool:
    return consultation is not None and consultation.allows_visitors


@rules.predicate
def is_local_offer(user, consultation) -> bool:
    return consultation is not None and consultation.is_local_offer


is_owner_signed_in_well = is_owning_officer & has_two_factor
is_staff_signed_in_well = is_forum_staff & has_two_factor

rules.add_perm("consultations.add_consultation", is_officer & has_two_factor)
rules.add_perm("consultations.change_consultation", is_owner_signed_in_well & is_draft)
# The owners see every state of their own; forum staff see anything sent to them; everyone sees
# what the forum approved (and withdrawn ones, with the reason).
rules.add_perm(
    "consultations.view_consultation",
    is_public | is_owner_signed_in_well | (is_staff_signed_in_well & ~is_draft),
)
rules.add_perm("consultations.manage_consultation", is_owner_signed_in_well)
rules.add_perm("consultations.review_consultation", is_staff_signed_in_well & is_in_review)
rules.add_perm("consultations.view_review_queue", is_staff_signed_in_well)
rules.add_perm("consultations.withdraw_consultation", is_staff_signed_in_well & is_live_and_not_closed)
# Families may be given longer by the organisation that asks, or by the forum.
rules.add_perm(
    "consultations.extend_consultation",
    (is_owner_signed_in_well | is_staff_signed_in_well) & is_live_and_not_closed,
)
rules.add_perm(
    "consultations.answer_consultation",
    ~is_local_offer & is_open_for_answers & (is_parent_carer | allows_visitors),
)
# Local Offer feedback: anyone may comment while a round is open; forum staff moderate.
rules.add_perm("consultations.comment_local_offer", is_local_offer & is_open_for_answers)
rules.add_perm("consultations.moderate_local_offer", is_staff_signed_in_well & is_local_offer)
rules.add_perm("consultations.view_results", is_owner_signed_in_well & is_closed)
rules.add_perm("consultations.reply_consultation", is_owner_signed_in_well & is_closed)
