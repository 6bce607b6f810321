"""Reads about people, with their joins."""

from django.db.models import QuerySet

from .models import ConsentRecord, Membership, User


def consent_history(user: User) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(user=user).order_by("-at", "-id")


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")
