"""Participation: events people book, groups and parent reps, and the log of what the forum did."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from forum_portal.fields import WebAddressField
from forum_portal.people.models import Organisation


class LadderStep(models.TextChoices):
    """How far an activity involved parent carers, as the forum reports it to its funder."""

    INFORMATION = "information", "Information"
    CONSULTATION = "consultation", "Consultation"
    PARTICIPATION = "participation", "Participation"
    COPRODUCTION = "coproduction", "Co-production"


class AccessNeed(models.TextChoices):
    """Common access needs asked about when booking; anything else goes in free text."""

    STEP_FREE = "step_free", "Step-free access"
    BSL = "bsl", "British Sign Language interpreter"
    QUIET_SPACE = "quiet_space", "A quiet space"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    LARGE_PRINT = "large_print", "Large print papers"


class Group(models.Model):
    """A working group, steering group, board or panel that parent carers sit on."""

    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", "Working group"
        STEERING_GROUP = "steering_group", "Steering group"
        BOARD = "board", "Board"
        PANEL = "panel", "Panel"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WORKING_GROUP)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participation_groups",
        help_text="The partner it works with.",
    )
    purpose = models.TextField()
    purpose_html = models.TextField(blank=True, editable=False)
    meeting_pattern = models.CharField(max_length=200, blank=True, help_text="For example: every other month, online.")
    is_active = models.BooleanField(default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMember", related_name="participation_groups"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("participation:group-detail", args=[self.slug])


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group__name", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                name="group_member_once",
                violation_error_message="This person is already in this group.",
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.group}"


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self, now):
        return self.filter(ends_at__gte=now)


class Event(models.Model):
    """Something parent carers come to: a coffee morning, workshop, focus group, meeting or drop-in."""

    class Kind(models.TextChoices):
        COFFEE_MORNING = "coffee_morning", "Coffee morning"
        WORKSHOP = "workshop", "Workshop"
        FOCUS_GROUP = "focus_group", "Focus group"
        FORUM_MEETING = "forum_meeting", "Forum meeting"
        DROP_IN = "drop_in", "Drop-in"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    description_html = models.TextField(blank=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participation_events")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    # A focus group or drop-in held for a consultation. Only a public consultation (approved or
    # withdrawn) can be linked, so the event's page never names a draft.
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation_events",
        limit_choices_to={"status__in": ["approved", "withdrawn"]},
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_online = models.BooleanField(default=False)
    address = models.TextField(blank=True)
    # Shown only to people with a place, so a meeting link is not posted to the world.
    online_link = WebAddressField(blank=True)
    capacity = models.PositiveIntegerField()
    booking_deadline = models.DateTimeField(null=True, blank=True)
    accessibility = models.TextField(blank=True, help_text="Step-free access, parking, toilets, quiet room.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    outcome = models.TextField(blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # The calendar files' SEQUENCE: raised at each change after publishing, so calendars that
    # already hold the event take the new time, place or cancellation.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message="The event must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_has_places",
                violation_error_message="An event needs at least one place.",
            ),
            models.CheckConstraint(
                condition=Q(is_online=True, online_link__gt="") | Q(is_online=False, address__gt=""),
                name="event_has_a_place_to_be",
                violation_error_message="An online event needs a link; an event in person needs an address.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("participation:event-detail", args=[self.pk])

    def closes_for_booking_at(self):
        return self.booking_deadline or self.starts_at

    def is_open_for_booking(self, now=None) -> bool:
        return self.status == self.Status.PUBLISHED and (now or timezone.now()) < self.closes_for_booking_at()


class Booking(models.Model):
    """A person's place at an event, or their place on its waiting list."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_bookings")
    status = models.CharField(max_length=10, choices=Status.choices)
    access_needs = models.JSONField(default=list, blank=True, help_text="Keys of AccessNeed.")
    access_needs_detail = models.TextField(blank=True)
    # Waiting-list order: when the person last asked for a place (booking again after cancelling
    # puts them at the back).
    requested_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["event", "status", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="booking_once_per_event",
                violation_error_message="This person already has a booking for this event.",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    def access_need_labels(self) -> list[str]:
        labels = dict(AccessNeed.choices)
        return [labels.get(key, key) for key in self.access_needs]


class Opportunity(models.Model):
    """A call for parent reps or volunteers, such as a parent rep for the SEND Partnership Board."""

    title = models.CharField(max_length=200)
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities")
    description = models.TextField()
    description_html = models.TextField(blank=True, editable=False)
    closes_on = models.DateField()
    seat_term_months = models.PositiveSmallIntegerField(default=12, help_text="How long an appointed rep serves.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["closes_on", "id"]
        verbose_name_plural = "opportunities"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("participation:opportunity-detail", args=[self.pk])

    def is_open(self, today=None) -> bool:
        return (today or timezone.localdate()) <= self.closes_on


class Interest(models.Model):
    """A member's expression of interest in an opportunity, and the forum's decision on it."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a decision"
        APPOINTED = "appointed", "Appointed"
        NOT_THIS_TIME = "not_this_time", "Not this time"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opportunity_interests")
    statement = models.TextField()
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "user"],
                name="interest_once_per_opportunity",
                violation_error_message="You have already expressed interest in this.",
            )
        ]

    def __str__(self):
        return f"{self.user} for {self.opportunity} ({self.get_status_display()})"


class RepSeat(models.Model):
    """A parent rep's seat on a group, for a term."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="rep_seats")
    # Empty once the rep deletes their account: their published reports stay, without their name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="rep_seats"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    interest = models.OneToOneField(Interest, on_delete=models.SET_NULL, null=True, blank=True, related_name="seat")

    class Meta:
        ordering = ["group__name", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="rep_seat_ends_after_start",
                violation_error_message="A term must end after it starts.",
            )
        ]

    def __str__(self):
        return f"{self.user}, parent rep on {self.group}"

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class RepReport(models.Model):
    """What a rep took in, what was decided and what they report back, after one meeting."""

    seat = models.ForeignKey(RepSeat, on_delete=models.CASCADE, related_name="reports")
    meeting_on = models.DateField()
    took_in = models.TextField("What I took in")
    decided = models.TextField("What was decided")
    report_back = models.TextField("What I report back to members")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-meeting_on", "-id"]

    def __str__(self):
        return f"Report from {self.seat.group} on {self.meeting_on}"


class Activity(models.Model):
    """One entry in the participation log: something the forum did with parent carers."""

    class Kind(models.TextChoices):
        EVENT = "event", "Event"
        GROUP_MEETING = "group_meeting", "Group meeting"
        CONSULTATION = "consultation", "Consultation"
        COPRODUCTION_MEETING = "coproduction_meeting", "Co-production meeting"
        REP_REPORT = "rep_report", "Rep report"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=25, choices=Kind.choices)
    happened_on = models.DateField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participation_activities")
    ladder_step = models.CharField(max_length=15, choices=LadderStep.choices)
    parent_carers_involved = models.PositiveIntegerField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    impact = models.TextField(blank=True, help_text="What changed because parent carers took part.")
    # The named people involved, when known (event attendance); counts without names are fine.
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="participation_activities")
    event = models.OneToOneField(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="activity")
    # Set by the job that logs each closed consultation; unique, so it is logged once.
    consultation = models.OneToOneField(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation_activity",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["happened_on"])]

    def __str__(self):
        return f"{self.title} ({self.happened_on})"


class PopulationFigure(models.Model):
    """The forum's figure for its local SEND population in one group (an area, an age band or a
    need category), to compare its members with. Entered by forum staff from published data."""

    class Dimension(models.TextChoices):
        AREA = "area", "Area (postcode district)"
        AGE_BAND = "age_band", "Age band"
        NEED = "need", "Need category"

    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=10, help_text="A postcode district, an age band or a need category code.")
    count = models.PositiveIntegerField(help_text="Number of children and young people with SEND in this group.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dimension", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "value"],
                name="population_figure_once",
                violation_error_message="There is already a figure for this group.",
            )
        ]

    def __str__(self):
        return f"{self.get_dimension_display()} {self.value}: {self.count}"
