"""Consultations: an officer asks, parent carers answer, the organisation replies "You said, we did".

Only the review decision is stored in ``Consultation.status``. Whether an approved consultation is
upcoming, open or closed follows from ``opens_at``/``closes_at`` and the clock (see ``phase``), so
no job has to flip it and a late job cannot leave it wrong.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forum_portal.people.models import Organisation

REPLY_DUE_AFTER = timedelta(weeks=12)
SHORT_CONSULTATION = timedelta(weeks=6)


class Topic(models.TextChoices):
    EDUCATION = "education", "Education and schools"
    HEALTH = "health", "Health and therapies"
    SOCIAL_CARE = "social_care", "Social care and short breaks"
    PREPARING_FOR_ADULTHOOD = "adulthood", "Preparing for adulthood"
    TRANSPORT = "transport", "Travel and transport"
    LOCAL_OFFER = "local_offer", "The Local Offer"
    OTHER = "other", "Something else"


class Phase(models.TextChoices):
    """Where a consultation is in its life, as people see it (derived, never stored)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "Waiting for the forum's review"
    UPCOMING = "upcoming", "Opening soon"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsultationQuerySet(models.QuerySet):
    def live(self):
        """Approved by the forum: upcoming, open or closed."""
        return self.filter(status=Consultation.Status.APPROVED)

    def open_at(self, now):
        return self.live().filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming_at(self, now):
        return self.live().filter(opens_at__gt=now)

    def closed_at(self, now):
        return self.live().filter(closes_at__lte=now)

    def public(self):
        """What anyone may see: approved consultations, and withdrawn ones with their reason."""
        return self.filter(status__in=[Consultation.Status.APPROVED, Consultation.Status.WITHDRAWN])

    def with_phase(self, phase: str, now):
        return {
            Phase.DRAFT: lambda: self.filter(status=Consultation.Status.DRAFT),
            Phase.IN_REVIEW: lambda: self.filter(status=Consultation.Status.IN_REVIEW),
            Phase.UPCOMING: lambda: self.upcoming_at(now),
            Phase.OPEN: lambda: self.open_at(now),
            Phase.CLOSED: lambda: self.closed_at(now),
            Phase.WITHDRAWN: lambda: self.filter(status=Consultation.Status.WITHDRAWN),
        }[phase]()


class Consultation(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "Consultation"
        # SEND Regulations 2014, reg 56: comments on the Local Offer, taken all year and answered
        # at least yearly. Each year's round is one consultation the forum opens for the council.
        LOCAL_OFFER = "local_offer", "Local Offer feedback"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consultations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=20, choices=Topic.choices, default=Topic.OTHER)
    summary = models.TextField(blank=True, help_text="A plain-English summary: what this is about and why it matters.")
    summary_html = models.TextField(blank=True, editable=False)
    proposal = models.TextField("what is proposed", blank=True)
    proposal_html = models.TextField(blank=True, editable=False)
    options = models.TextField("options and alternatives considered", blank=True)
    options_html = models.TextField(blank=True, editable=False)
    audience = models.CharField("who it is for", max_length=300, blank=True)
    document = models.FileField(upload_to="consultations/documents/", blank=True)
    easy_read_document = models.FileField(upload_to="consultations/easy-read/", blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    reply_due_at = models.DateTimeField(null=True, blank=True)
    allows_visitors = models.BooleanField("people can answer without an account", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comments = models.TextField(blank=True, help_text="The forum's comments when it last asked for changes.")
    withdrawn_reason = models.TextField(blank=True)
    results_released = models.BooleanField(
        default=False, help_text="The organisation chose to show the counts per choice on the public page."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-created_at"]
        indexes = [models.Index(fields=["status", "opens_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
                violation_error_message="The closing date must be after the opening date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review"])
                | Q(opens_at__isnull=False, closes_at__isnull=False, reply_due_at__isnull=False),
                name="consultation_approved_has_dates",
                violation_error_message="An approved consultation needs opening, closing and reply dates.",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(reply_due_at__isnull=True)
                | Q(reply_due_at__gte=models.F("closes_at")),
                name="consultation_reply_due_after_closing",
                violation_error_message="The reply is due after the consultation closes.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:consultation-detail", args=[self.pk])

    @property
    def is_local_offer(self) -> bool:
        return self.kind == self.Kind.LOCAL_OFFER

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.status != self.Status.APPROVED:
            return {
                self.Status.DRAFT: Phase.DRAFT,
                self.Status.IN_REVIEW: Phase.IN_REVIEW,
                self.Status.WITHDRAWN: Phase.WITHDRAWN,
            }[self.status]
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        return Phase.CLOSED

    def phase_label(self, now=None) -> str:
        return Phase(self.phase(now)).label

    def is_open(self, now=None) -> bool:
        return self.phase(now) == Phase.OPEN

    def is_closed(self, now=None) -> bool:
        return self.phase(now) == Phase.CLOSED

    @property
    def runs_under_six_weeks(self) -> bool:
        return bool(self.opens_at and self.closes_at and self.closes_at - self.opens_at < SHORT_CONSULTATION)

    def days_left(self, now=None) -> int:
        now = now or timezone.now()
        return max(0, (self.closes_at - now).days)

    def reply_state(self, now=None) -> str:
        """For a closed consultation: "published", "due" or "overdue"."""
        reply = getattr(self, "reply", None)
        if reply is not None and reply.published_at:
            return "published"
        if self.reply_due_at and (now or timezone.now()) > self.reply_due_at:
            return "overdue"
        return "due"


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Choose one"
        MULTIPLE_CHOICE = "multiple_choice", "Choose any"
        SCALE = "scale", "Scale from 1 to 5"
        YES_NO = "yes_no", "Yes or no"

    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(
        max_length=150, blank=True, help_text="Optional. Questions with the same section are shown on one page."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField("question", max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    choices = models.TextField(blank=True, help_text="For choice questions: one option a line.")
    scale_low_label = models.CharField(max_length=60, blank=True, help_text="What 1 means, for example “Very poor”.")
    scale_high_label = models.CharField(max_length=60, blank=True, help_text="What 5 means, for example “Very good”.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS

    def options(self) -> list[tuple[str, str]]:
        """(stored value, label) for every answer a choice question counts."""
        if self.kind in (self.Kind.SINGLE_CHOICE, self.Kind.MULTIPLE_CHOICE):
            return [(line.strip(), line.strip()) for line in self.choices.splitlines() if line.strip()]
        if self.kind == self.Kind.YES_NO:
            return [("yes", "Yes"), ("no", "No")]
        if self.kind == self.Kind.SCALE:
            labels = {1: self.scale_low_label, 5: self.scale_high_label}
            return [(str(n), f"{n} – {labels[n]}" if labels.get(n) else str(n)) for n in range(1, 6)]
        return []


class Response(models.Model):
    """One person's answers to one consultation: a saved draft until they submit it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Saved, not sent"
        SUBMITTED = "submitted", "Sent"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    # Empty for visitors who answered without an account, and once a member's account is deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_responses",
    )
    email = models.EmailField(blank=True, help_text="A visitor's address for the receipt and the reply.")
    share_name = models.BooleanField("share my name with the organisation", default=False)
    hear_back = models.BooleanField("tell me when the reply is published", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="response_once_per_member",
                violation_error_message="You have already answered this consultation.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]

    def __str__(self):
        return f"Answer {self.pk} to {self.consultation}"

    def respondent_name(self) -> str:
        """What an officer sees: a name only where the person chose to share it."""
        if self.share_name and self.user is not None:
            return self.user.full_name or self.user.email
        return "A parent carer"


class Theme(models.Model):
    """A theme an officer finds in free-text answers, counted and linked from the reply."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_once")]

    def __str__(self):
        return self.name


class Answer(models.Model):
    """One answer to one question. A multiple-choice answer is one row per option chosen, so the
    database can count options with a plain GROUP BY."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question", "choice"], name="answer_once_per_choice")
        ]

    def __str__(self):
        return self.text[:60] or self.choice


class ConsultationEvent(models.Model):
    """The consultation's history: every status change, with who and when."""

    class Action(models.TextChoices):
        CREATED = "created", "Draft started"
        SUBMITTED = "submitted", "Sent to the forum for review"
        APPROVED = "approved", "Approved by the forum"
        RETURNED = "returned", "Changes asked by the forum"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXTENDED = "extended", "Closing date extended"
        REPLY_PUBLISHED = "reply_published", "“You said, we did” published"
        REPLY_CORRECTED = "reply_corrected", "“You said, we did” corrected"
        RESULTS_RELEASED = "results_released", "Results published"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.consultation}"


class Reply(models.Model):
    """The organisation's "You said, we did": one per consultation, published once."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="reply")
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "replies"

    def __str__(self):
        return f"You said, we did: {self.consultation}"

    def get_absolute_url(self):
        return self.consultation.get_absolute_url()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ReplyItem(models.Model):
    class Outcome(models.TextChoices):
        CHANGED = "changed", "Changed"
        WILL_CHANGE = "will_change", "Will change"
        NOT_CHANGED = "not_changed", "Not changed"
        CONSIDERING = "considering", "Still considering"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="reply_items")
    you_said = models.TextField("what people said")
    we_did = models.TextField("what we did or will do")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField(blank=True, help_text="Why not, or why not yet. Needed unless the outcome is “changed”.")
    owner = models.CharField(max_length=150, blank=True, help_text="Who will make the change.")
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="changed") | ~Q(reason=""),
                name="reply_item_reason_unless_changed",
                violation_error_message="Give the reason unless the outcome is “changed”.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="will_change") | (~Q(owner="") & Q(due_date__isnull=False)),
                name="reply_item_will_change_has_owner_and_date",
                violation_error_message="A “will change” item needs an owner and a due date.",
            ),
        ]

    def __str__(self):
        return self.you_said[:80]


class ReplyUpdate(models.Model):
    """A dated, public note on a published reply: progress on an item, or a correction."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="updates")
    item = models.ForeignKey(ReplyItem, null=True, blank=True, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:80]


class LocalOfferComment(models.Model):
    """One comment on the Local Offer. Forum staff moderate each: only publishable comments reach
    the council's officers and the public page; the others are kept out, with the reason."""

    class Aspect(models.TextChoices):
        CONTENT = "content", "What the Local Offer says"
        MISSING = "missing", "Something that is missing"
        ACCESSIBILITY = "accessibility", "How easy it is to find and use"
        DEVELOPMENT = "development", "How it was put together"

    class Moderation(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        PUBLISHABLE = "publishable", "Publishable"
        VEXATIOUS = "vexatious", "Vexatious"
        INDIVIDUAL = "individual", "About one person's service"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="local_offer_comments")
    aspect = models.CharField(max_length=20, choices=Aspect.choices)
    text = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="local_offer_comments",
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderation = models.CharField(max_length=12, choices=Moderation.choices, default=Moderation.PENDING)
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The council's officers tag publishable comments as they read them, for "You said, we did".
    themes = models.ManyToManyField("Theme", blank=True, related_name="comments")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(moderation__in=["pending", "publishable"]) | ~Q(moderation_reason=""),
                name="local_offer_comment_kept_out_has_reason",
                violation_error_message="Say why the comment is kept out.",
            )
        ]

    def __str__(self):
        return self.text[:80]
