"""Co-production: projects where parent carers and professionals work as equal partners.

Every contribution (an agenda item, a decision, an action, a document version, a sign-off) points
at a ``TeamMember``, not at the account behind it. The team member row keeps the side the person
was on, so when an account is deleted the contribution stays and reads as "a parent carer" or
"a professional" instead of the person's name.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forum_portal.people.models import Organisation


class Project(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Anyone can read a summary"
        TEAM = "team", "Only the project team"

    class Step(models.TextChoices):
        """Where the project stands on the participation ladder, as the team judges it."""

        INFORMING = "informing", "Informing"
        CONSULTING = "consulting", "Consulting"
        PARTICIPATING = "participating", "Participating"
        COPRODUCING = "coproducing", "Co-producing"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    aims = models.TextField(help_text="What the project sets out to do, in Markdown.")
    aims_html = models.TextField(blank=True, editable=False)
    partners = models.ManyToManyField(Organisation, blank=True, related_name="coproduction_projects")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.TEAM)
    ladder_step = models.CharField(max_length=15, choices=Step.choices, default=Step.COPRODUCING)
    parent_share_threshold = models.PositiveSmallIntegerField(
        default=33,
        help_text="Per cent. A meeting with a smaller share of parent carers present shows a warning.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent_share_threshold__lte=100),
                name="project_threshold_is_a_percentage",
                violation_error_message="The threshold is a percentage, from 0 to 100.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coproduction:project-detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def parent_share_is_too_low(self, parent_carers: int, present: int) -> bool:
        """Whether parent carers were a smaller share of those present than the threshold asks.

        Compared exactly, in whole numbers: 14 of 43 (32.6%) is below 33% though it rounds to 33,
        and 1 of 3 (33.3%) is not. Nobody recorded present is no share at all, so no warning."""
        return present > 0 and parent_carers * 100 < self.parent_share_threshold * present

    @staticmethod
    def parent_share_percent(parent_carers: int, present: int) -> int:
        """The share in whole per cent, rounded down, so a share just under the threshold never
        reads as reaching it."""
        return parent_carers * 100 // present if present else 0


class Side(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent carer"
    PROFESSIONAL = "professional", "Professional"


class TeamMemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_at__isnull=True, user__isnull=False)


class TeamMember(models.Model):
    """A person's place in a project's team, on one of the two sides.

    The row stays after the person leaves (``left_at``) or deletes their account (``user`` empty),
    so what they contributed keeps its author's side.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="coproduction_teams"
    )
    side = models.CharField(max_length=15, choices=Side.choices)
    is_lead = models.BooleanField(default=False)
    show_name = models.BooleanField(
        default=False, help_text="The person agrees that their name is shown on the public summary."
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["side", "-is_lead", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=Q(user__isnull=False),
                name="team_member_once_per_project",
                violation_error_message="This person is already on the team.",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_current(self) -> bool:
        return self.left_at is None and self.user_id is not None

    @property
    def display_name(self) -> str:
        """The person's name, or their side once the account is gone."""
        if self.user is None:
            return "a parent carer" if self.side == Side.PARENT_CARER else "a professional"
        return self.user.get_full_name()


INVITATION_DAYS = 14


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def waiting(self):
        """Invitations nobody has answered or withdrawn yet, run out or not."""
        return self.filter(status=Invitation.Status.PENDING)


class Invitation(models.Model):
    """An invitation to join a project's team on one side, sent by email.

    The person answers on the page its link opens. The invitation is found by its token, not by an
    account, so someone without an account can sign up and then open the same link; only an
    account with the invited (verified) address can accept it. Anyone holding the link can decline.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Written only when the same person is invited again after this one ran out; until then
        # running out is read from the clock (``expires_at``).
        EXPIRED = "expired", "Ran out"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    side = models.CharField(max_length=15, choices=Side.choices)
    is_lead = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The team member the invitation made, once accepted.
    member = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=Q(status="pending"),
                name="invitation_waiting_once_per_person",
                violation_error_message="This person already has an invitation waiting.",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_at__isnull=False),
                name="invitation_answer_has_a_time",
                violation_error_message="An answered invitation records when it was answered.",
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.project}"

    def get_absolute_url(self):
        return reverse("coproduction:invitation", args=[self.token])

    def has_run_out(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_open(self) -> bool:
        """Waiting for an answer and not run out: it can be accepted or declined."""
        return self.status == self.Status.PENDING and not self.has_run_out()


class AgendaItem(models.Model):
    """Something a team member wants the team to work on.

    It is on the shared agenda only once a parent-carer lead and a professional lead have both
    agreed it; either may park it instead, with a reason.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "On the agenda"
        PARKED = "parked", "Parked"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    proposed_by = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    agreed_by_parent_lead = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    agreed_by_professional_lead = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    parked_reason = models.TextField(blank=True)
    parked_by = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="agreed")
                | (Q(agreed_by_parent_lead__isnull=False) & Q(agreed_by_professional_lead__isnull=False)),
                name="agenda_item_agreed_by_both_leads",
                violation_error_message="An item is on the agenda only when both leads have agreed it.",
            ),
            models.CheckConstraint(
                condition=~Q(status="parked") | ~Q(parked_reason=""),
                name="agenda_item_parked_with_reason",
                violation_error_message="Say why the item is parked.",
            ),
        ]

    def __str__(self):
        return self.title


class Meeting(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    agenda = models.ManyToManyField(AgendaItem, blank=True, related_name="meetings")
    attendees = models.ManyToManyField(TeamMember, blank=True, related_name="meetings_attended")
    recorded_by = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The meeting's entry in the forum's participation log, so it is logged once.
    participation_activity = models.OneToOneField(
        "participation.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="coproduction_meeting"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%-d %B %Y})"

    def get_absolute_url(self):
        return reverse("coproduction:meeting-detail", args=[self.project.slug, self.pk])


class Decision(models.Model):
    """What the team decided, at which meeting, who agreed and who did not."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    text = models.TextField("what was decided")
    agreed_by = models.ManyToManyField(TeamMember, related_name="decisions_agreed")
    dissent = models.TextField(blank=True, help_text="Anyone who did not agree, and why.")
    recorded_by = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="+")
    decided_on = models.DateField(default=timezone.localdate)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return self.text[:80]


class ActionQuerySet(models.QuerySet):
    def overdue_on(self, day):
        return self.filter(status=Action.Status.OPEN, due_on__lt=day)


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="actions_owned")
    due_on = models.DateField()
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True) | Q(status="done", done_at__isnull=False),
                name="action_done_has_a_time",
                violation_error_message="A done action records when it was done.",
            )
        ]

    def __str__(self):
        return self.description[:80]

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    # The newest version, kept here so a list shows it without a query per row.
    latest_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True while both leads' sign-offs stand on the latest version; a new version clears it.
    is_coproduced = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coproduction:document-detail", args=[self.project.slug, self.pk])


class DocumentVersion(models.Model):
    """One saved state of a document. Versions are never changed, only added."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    body_html = models.TextField(editable=False)
    author = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_version_number_once",
                violation_error_message="This version number is taken.",
            )
        ]

    def __str__(self):
        return f"{self.document} version {self.number}"


class SignOff(models.Model):
    """A lead's agreement that this version is the team's own."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="sign_offs")
    member = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="sign_offs")
    side = models.CharField(max_length=15, choices=Side.choices)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "member"],
                name="sign_off_once_per_version",
                violation_error_message="You have already signed off this version.",
            )
        ]

    def __str__(self):
        return f"{self.member} signed off {self.version}"


class DocumentComment(models.Model):
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:80]


class Activity(models.Model):
    """The project's record of every change: who did what, when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    member = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Forum staff who are not on the team can still change the team; they are named here.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "activity"

    def __str__(self):
        return self.summary


CORNERSTONES = ("welcome", "value", "communicate", "partnership")


class CornerstonesRating(models.Model):
    """One team member's view of how the project works, on the Four Cornerstones of co-production,
    each from 1 (not at all) to 5 (very well). One rating per person per month: rating again in the
    same month replaces it, so the averages over time count each person once a month."""

    SCORES = CORNERSTONES

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cornerstones_ratings")
    member = models.ForeignKey(TeamMember, on_delete=models.RESTRICT, related_name="cornerstones_ratings")
    # The side at the time of rating, so the history stays right if the person changes side.
    side = models.CharField(max_length=15, choices=Side.choices)
    period = models.DateField(help_text="The first day of the month the rating is for.")
    welcome = models.PositiveSmallIntegerField("welcome and care")
    value = models.PositiveSmallIntegerField("value and include")
    communicate = models.PositiveSmallIntegerField("communicate")
    partnership = models.PositiveSmallIntegerField("work in partnership")
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "side", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period"],
                name="cornerstones_rating_once_a_month",
                violation_error_message="You have rated the project this month already.",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{score}__gte": 1, f"{score}__lte": 5}),
                    name=f"cornerstones_{score}_from_1_to_5",
                    violation_error_message="Each rating is from 1 to 5.",
                )
                for score in CORNERSTONES
            ],
        ]

    def __str__(self):
        return f"{self.member} on {self.project}, {self.period:%B %Y}"
