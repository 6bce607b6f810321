"""What the drills hold against the database once a fault is over (Django, in run.py's process)."""

from django.db.models import Count, Q


def half_saved_answers(consultation_id: int) -> dict[str, int]:
    """How the consultation's sent answers stand: a response marked sent must have an answer to
    every required question, and the receipt its sending queued in the same transaction.

    Sending (``submit_response``) and saving a page of answers (``save_answers``) are each one
    transaction; a server that stops in the middle must leave each whole or not at all.
    """
    from consultations.models import Question, Response
    from forum_portal.notify.models import OutgoingEmail

    required = Question.objects.filter(consultation_id=consultation_id, required=True).count()
    sent = Response.objects.filter(consultation_id=consultation_id, status=Response.Status.SUBMITTED)
    answered = sent.annotate(
        required_answered=Count("answers__question", filter=Q(answers__question__required=True), distinct=True)
    )
    receipts = set(
        OutgoingEmail.objects.filter(
            kind="consultation_receipt", dedupe_key__startswith="consultation-receipt:"
        ).values_list("dedupe_key", flat=True)
    )
    return {
        "sent": sent.count(),
        "missing_a_required_answer": answered.exclude(required_answered=required).count(),
        "without_their_receipt": sum(
            1
            for pk, submitted_at in sent.values_list("pk", "submitted_at")
            if f"consultation-receipt:{pk}:{submitted_at.isoformat()}" not in receipts
        ),
    }
