"""Reads of Participation, with their joins applied."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from consultations.models import Response
from forum_portal.people.models import AgeBand, ChildAgeBand, ChildNeed, NeedCategory, ParentCarerProfile
from information.models import TopicSubscription

from .models import (
    Activity,
    Booking,
    Event,
    Group,
    GroupMember,
    Interest,
    LadderStep,
    Opportunity,
    PopulationFigure,
    RepReport,
    RepSeat,
)

SMALL_GROUP = 5  # counts of people below this are shown as "fewer than 5", or hidden in a table
HIDDEN = "not shown"  # a count hidden in a table, small or hidden to protect a small one


def _with_place_counts(events):
    return (
        events.select_related("organisation")
        .annotate(
            places_taken=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
            waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )
        .annotate(places_left=Greatest(F("capacity") - F("places_taken"), 0))
    )


def upcoming_events(now):
    return _with_place_counts(Event.objects.published().upcoming(now)).order_by("starts_at", "id")


def events_in_feed(now):
    """Coming events for the calendar feed: published ones, and those cancelled after publishing."""
    return (
        Event.objects.upcoming(now)
        .filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED], published_at__isnull=False)
        .select_related("organisation")
        .order_by("starts_at", "id")
    )


def events_for_staff():
    return _with_place_counts(Event.objects.all()).order_by("-starts_at", "-id")


def event_visible_to(user, pk: int) -> Event:
    """The event, or 404 for a draft the person may not see (its existence is private)."""
    event = get_object_or_404(_with_place_counts(Event.objects.all()).select_related("group", "consultation"), pk=pk)
    if not user.has_perm("participation.view_event", event):
        raise Http404
    return event


def booking_of(user, event: Event) -> Booking | None:
    if not user.is_authenticated:
        return None
    return Booking.objects.filter(event=event, user=user).first()


def bookings_for_event(event: Event):
    return (
        Booking.objects.filter(event=event)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("user")
        .order_by("status", "requested_at", "id")
    )


def bookings_of(user):
    return (
        Booking.objects.filter(user=user)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("event", "event__organisation")
        .order_by("event__starts_at")
    )


def groups_list():
    return (
        Group.objects.filter(is_active=True)
        .select_related("organisation")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def groups_for_staff():
    return (
        Group.objects.select_related("organisation")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("-is_active", "name")
    )


def members_of_group(group: Group):
    return GroupMember.objects.filter(group=group).select_related("user").order_by("user__full_name", "user__email")


def group_detail(slug: str) -> Group:
    return get_object_or_404(Group.objects.select_related("organisation"), slug=slug, is_active=True)


def seats_of_group(group: Group):
    return RepSeat.objects.filter(group=group, user__isnull=False).select_related("user").order_by("-starts_on")


def rep_reports_of_group(group: Group):
    return RepReport.objects.filter(seat__group=group).select_related("seat__user").order_by("-meeting_on", "-id")


def open_opportunities(today: date):
    return Opportunity.objects.filter(closes_on__gte=today).select_related("group").order_by("closes_on", "id")


def opportunities_for_staff():
    return (
        Opportunity.objects.select_related("group")
        .annotate(
            waiting=Count("interests", filter=Q(interests__status=Interest.Status.WAITING)),
            interest_count=Count("interests"),
        )
        .order_by("-closes_on", "-id")
    )


def interests_for_opportunity(opportunity: Opportunity):
    return Interest.objects.filter(opportunity=opportunity).select_related("user").order_by("created_at", "id")


def interests_of(user):
    return Interest.objects.filter(user=user).select_related("opportunity").order_by("-created_at")


def seats_of(user):
    return RepSeat.objects.filter(user=user).select_related("group").order_by("-starts_on")


def consultations_answered_by(user):
    """The person's sent answers, newest first, with their consultations."""
    return (
        Response.objects.filter(user=user, status=Response.Status.SUBMITTED)
        .select_related("consultation")
        .order_by("-submitted_at", "-id")
    )


def topics_followed_by(user):
    return TopicSubscription.objects.filter(user=user).select_related("topic").order_by("topic__name")


def group_memberships_of(user):
    return GroupMember.objects.filter(user=user).select_related("group").order_by("group__name")


def activities_between(start: date, end: date):
    return (
        Activity.objects.filter(happened_on__range=(start, end))
        .select_related("organisation")
        .order_by("-happened_on", "-id")
    )


# --- The funder's report ----------------------------------------------------------------------------


def suppressed(count: int) -> int | str:
    """A count of people standing alone, or "fewer than 5" when so few could be recognised."""
    return count if count >= SMALL_GROUP or count == 0 else "fewer than 5"


def counts_to_hide(counts: list[int]) -> set[int]:
    """The positions of a table's counts of people to hide, so that no count from 1 to 4 can be
    seen or worked out from the others.

    Every count from 1 to 4 is hidden. The table's total may be known (from another table of the
    same people, or from the shares beside the counts), and the total less the counts shown is the
    sum of those hidden. So while fewer than two counts are hidden, or the hidden ones add up to
    fewer than 5, the smallest count still shown is hidden too. What is hidden is then either
    nothing, or at least two counts adding up to 5 or more (which could be split many ways), or
    every count in a table whose total is itself under 5 (so no table of the same people shows it).
    Zero is shown: it describes nobody.
    """
    hidden = {position for position, count in enumerate(counts) if 0 < count < SMALL_GROUP}
    if not hidden:
        return hidden
    shown = sorted((count, position) for position, count in enumerate(counts) if count >= SMALL_GROUP)
    while shown and (len(hidden) < 2 or sum(counts[position] for position in hidden) < SMALL_GROUP):
        hidden.add(shown.pop(0)[1])
    return hidden


def _hide_small_counts(rows: list, count: str) -> list:
    """Mark the rows whose ``count`` attribute must not be shown (see counts_to_hide)."""
    for position in counts_to_hide([getattr(row, count) for row in rows]):
        rows[position].hidden = True
    return rows


@dataclass
class ReportRow:
    label: str
    activities: int
    parent_carers: int
    hours: float
    hidden: bool = False

    @property
    def parent_carers_shown(self):
        return HIDDEN if self.hidden else self.parent_carers


@dataclass
class ParticipationReport:
    start: date
    end: date
    members: int
    steering_group_members: int
    parent_reps: int
    unique_parent_carers: int
    by_ladder_step: list[ReportRow] = field(default_factory=list)
    by_organisation: list[ReportRow] = field(default_factory=list)

    def headline(self) -> list[tuple[str, int | str]]:
        return [
            ("Members on the database", suppressed(self.members)),
            ("Steering group members", suppressed(self.steering_group_members)),
            ("Parent reps on service working groups", suppressed(self.parent_reps)),
            ("Parent carers who took part (named)", suppressed(self.unique_parent_carers)),
        ]

    def chart_bars(self, width: int = 400) -> list[dict]:
        """Bars of the activities-by-step chart, scaled to ``width`` pixels for the longest."""
        longest = max((row.activities for row in self.by_ladder_step), default=0) or 1
        return [
            {"row": row, "y": index * 40, "width": round(row.activities * width / longest)}
            for index, row in enumerate(self.by_ladder_step)
        ]


def parent_reps_on_working_groups(*, as_of: date) -> int:
    """People holding a rep seat on a service working group on ``as_of``: each person once, however
    many seats they hold; a seat whose rep deleted their account is nobody's."""
    return (
        RepSeat.objects.filter(
            group__kind=Group.Kind.WORKING_GROUP, user__isnull=False, starts_on__lte=as_of, ends_on__gte=as_of
        )
        .values("user")
        .distinct()
        .count()
    )


def participation_report(start: date, end: date) -> ParticipationReport:
    """Figures for the funder over a period: four headline counts and activities by ladder step
    and by organisation, all counted in SQL (a handful of queries whatever the size).

    Members and steering group members are those who had joined by the period's end and are still
    in; parent reps are those holding a seat on a service working group at the period's end (today,
    for a period still running); parent carers who took part are the distinct people named in the
    period's activities (attendees, reps reporting, members who answered a consultation)."""
    activities = Activity.objects.filter(happened_on__range=(start, end))
    totals = {
        "activities": Count("id"),
        "parent_carers": Sum("parent_carers_involved", default=0),
        "hours": Sum("hours", default=0),
    }
    step_rows = {row["ladder_step"]: row for row in activities.values("ladder_step").annotate(**totals)}
    by_step = [
        ReportRow(
            label=label,
            activities=step_rows.get(value, {}).get("activities", 0),
            parent_carers=step_rows.get(value, {}).get("parent_carers", 0),
            hours=float(step_rows.get(value, {}).get("hours", 0)),
        )
        for value, label in LadderStep.choices
    ]
    by_organisation = [
        ReportRow(row["organisation__name"], row["activities"], row["parent_carers"], float(row["hours"]))
        for row in activities.values("organisation__name").annotate(**totals).order_by("organisation__name")
    ]
    return ParticipationReport(
        start=start,
        end=end,
        members=ParentCarerProfile.objects.filter(joined_at__date__lte=end).count(),
        steering_group_members=GroupMember.objects.filter(
            group__kind=Group.Kind.STEERING_GROUP, joined_at__date__lte=end
        )
        .values("user")
        .distinct()
        .count(),
        parent_reps=parent_reps_on_working_groups(as_of=min(end, timezone.localdate())),
        unique_parent_carers=activities.filter(participants__isnull=False).values("participants").distinct().count(),
        by_ladder_step=_hide_small_counts(by_step, "parent_carers"),
        by_organisation=_hide_small_counts(by_organisation, "parent_carers"),
    )


def grant_year_around(today: date) -> tuple[date, date]:
    """The grant year (1 April to 31 March) that ``today`` falls in."""
    first_year = today.year if today.month >= 4 else today.year - 1
    return date(first_year, 4, 1), date(first_year + 1, 3, 31)


# --- Members and representativeness -----------------------------------------------------------------


def members(*, area: str = "", age_band: str = "", need: str = ""):
    """Members of the forum, newest first, filtered by the data they consented to give (data
    without consent is never kept, so filtering on it only ever finds consented data)."""
    profiles = (
        ParentCarerProfile.objects.select_related("user").prefetch_related("age_bands", "needs").order_by("-joined_at")
    )
    if area:
        profiles = profiles.filter(postcode_district=area)
    if age_band:
        profiles = profiles.filter(age_bands__age_band=age_band)
    if need:
        profiles = profiles.filter(needs__need=need)
    return profiles


def member_areas() -> list[str]:
    return list(
        ParentCarerProfile.objects.exclude(postcode_district="")
        .order_by("postcode_district")
        .values_list("postcode_district", flat=True)
        .distinct()
    )


@dataclass
class ComparisonRow:
    label: str
    people: int
    people_share: float | None
    population: int | None
    population_share: float | None
    hidden: bool = False

    @property
    def people_shown(self):
        return HIDDEN if self.hidden else self.people

    @property
    def people_share_shown(self):
        # A share of a hidden count would give the count away.
        if self.people_share is None or self.hidden:
            return "–"
        return f"{self.people_share:.0f}%"

    @property
    def population_share_shown(self):
        return "–" if self.population_share is None else f"{self.population_share:.0f}%"


@dataclass
class Comparison:
    title: str
    rows: list[ComparisonRow]


def _compare(title: str, labels: dict[str, str], people: dict[str, int], population: dict[str, int]) -> Comparison:
    people_total = sum(people.values())
    population_total = sum(population.values())
    keys = [key for key in labels if key in people or key in population]
    keys += sorted((set(people) | set(population)) - set(keys))
    rows = [
        ComparisonRow(
            label=labels.get(key, key),
            people=people.get(key, 0),
            people_share=100 * people.get(key, 0) / people_total if people_total else None,
            population=population.get(key),
            population_share=100 * population[key] / population_total if key in population else None,
        )
        for key in keys
    ]
    # The shares shown give the total away, so the hidden counts follow counts_to_hide's rule.
    return Comparison(title, _hide_small_counts(rows, "people"))


def representativeness(user_ids=None) -> list[Comparison]:
    """Members (or the people in ``user_ids``) by area, age band and need category, beside the
    local SEND population figures the forum entered. Counts come from SQL, a few queries in all."""
    profiles = ParentCarerProfile.objects.all()
    if user_ids is not None:
        profiles = profiles.filter(user_id__in=user_ids)
    areas = {
        row["postcode_district"]: row["n"]
        for row in profiles.exclude(postcode_district="").values("postcode_district").annotate(n=Count("id"))
    }
    ages = {
        row["age_band"]: row["n"]
        for row in ChildAgeBand.objects.filter(profile__in=profiles)
        .values("age_band")
        .annotate(n=Count("profile", distinct=True))
    }
    needs = {
        row["need"]: row["n"]
        for row in ChildNeed.objects.filter(profile__in=profiles)
        .values("need")
        .annotate(n=Count("profile", distinct=True))
    }
    population: dict[str, dict[str, int]] = {key: {} for key in PopulationFigure.Dimension.values}
    for figure in PopulationFigure.objects.all():
        population[figure.dimension][figure.value] = figure.count
    return [
        _compare("Area (postcode district)", {}, areas, population["area"]),
        _compare("Age band of children", dict(AgeBand.choices), ages, population["age_band"]),
        _compare("Need category of children", dict(NeedCategory.choices), needs, population["need"]),
    ]


def activities_with_participants():
    return (
        Activity.objects.filter(participants__isnull=False)
        .distinct()
        .select_related("organisation")
        .order_by("-happened_on", "-id")
    )
