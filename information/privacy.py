"""What the first rung keeps about a person: the topics they follow."""

from .models import TopicSubscription


def collect_subscriptions(user) -> list[dict]:
    return [
        {
            "topic": row.topic.name,
            "since": row.created_at.isoformat(),
            "last_digest_up_to": row.digested_until.isoformat() if row.digested_until else None,
        }
        for row in TopicSubscription.objects.filter(user=user).select_related("topic").order_by("topic__name")
    ]
