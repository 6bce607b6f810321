"""People and organisations, shared by all four rungs of the portal."""

import rules
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forum_portal.fields import WebAddressField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in. People sign in with their email address; there are no usernames."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        "name",
        max_length=150,
        blank=True,
        help_text="Shown to forum staff, and to others only where you choose to share it.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "forum admin", default=False, help_text="Can sign in to the Django admin (forum admins only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_perm(self, perm, obj=None):
        """The portal's permissions (the rules) are answered by the rules alone, except for a forum
        admin (``is_staff`` or a superuser) who has set up two-factor sign-in.

        Model permissions (groups, per-user) belong to the Django admin site, which only such an
        admin enters: for anyone else they must not open a portal page (a rule that asks for
        two-factor sign-in included), and asking the database for them cost two queries each time
        a rule said no. Django gives an active superuser every permission before any rule is asked;
        until they have set up two-factor sign-in the rules are asked of them like anyone else, so
        the portal's officer and staff pages send them to set it up."""
        if rules.perm_exists(perm):
            from .rules import has_two_factor  # the rules import this module

            admin = self.is_active and (self.is_staff or self.is_superuser)
            if not (admin and has_two_factor(self)):
                return rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class Organisation(models.Model):
    """The forum itself, or a partner it works with (council, NHS, school, provider, charity)."""

    class Kind(models.TextChoices):
        FORUM = "forum", "Parent carer forum"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        NHS = "nhs", "NHS / integrated care board"
        SCHOOL = "school", "School or college"
        PROVIDER = "provider", "Service provider"
        VOLUNTARY = "voluntary", "Voluntary sector"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    website = WebAddressField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="forum"),
                name="organisation_one_forum",
                violation_error_message="There is already a forum organisation; a portal serves one forum.",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_forum(self) -> bool:
        return self.kind == self.Kind.FORUM


class Membership(models.Model):
    """A person's place in an organisation.

    A membership of the forum's own organisation makes someone forum staff; a membership of a
    partner makes them one of its officers. A manager may also look after their organisation's
    memberships.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    job_title = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_once_per_organisation",
                violation_error_message="This person is already a member of this organisation.",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.organisation} ({self.get_role_display()})"


class AgeBand(models.TextChoices):
    """Age bands of children, as the forum reports them."""

    UNDER_5 = "0-4", "0 to 4"
    AGE_5_10 = "5-10", "5 to 10"
    AGE_11_15 = "11-15", "11 to 15"
    AGE_16_18 = "16-18", "16 to 18"
    AGE_19_25 = "19-25", "19 to 25"


class NeedCategory(models.TextChoices):
    """The primary types of need used in the Department for Education's SEN2 return."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Vision impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    OTH = "OTH", "Other difficulty or disability"


class ParentCarerProfile(models.Model):
    """Membership of the forum as a parent carer.

    Three kinds of optional data are each kept only while their own consent stands: the
    timestamp field records when consent was given, and withdrawing it deletes the data
    (see ``services.set_profile_data``).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="parent_carer_profile")
    joined_at = models.DateTimeField(default=timezone.now)
    privacy_notice_accepted_at = models.DateTimeField()
    postcode_district = models.CharField(max_length=4, blank=True)
    postcode_consented_at = models.DateTimeField(null=True, blank=True)
    age_bands_consented_at = models.DateTimeField(null=True, blank=True)
    needs_consented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-joined_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode_district="") | Q(postcode_consented_at__isnull=False),
                name="profile_postcode_needs_consent",
                violation_error_message="A postcode district is kept only with consent.",
            )
        ]

    def __str__(self):
        return f"Parent carer profile of {self.user}"

    def get_absolute_url(self):
        return reverse("people:profile")


class ChildAgeBand(models.Model):
    """One age band that a member's children fall in; kept only with ``age_bands`` consent."""

    profile = models.ForeignKey(ParentCarerProfile, on_delete=models.CASCADE, related_name="age_bands")
    age_band = models.CharField(max_length=5, choices=AgeBand.choices)

    class Meta:
        ordering = ["age_band"]
        constraints = [models.UniqueConstraint(fields=["profile", "age_band"], name="child_age_band_once")]

    def __str__(self):
        return self.get_age_band_display()


class ChildNeed(models.Model):
    """One need category among a member's children; kept only with ``needs`` consent."""

    profile = models.ForeignKey(ParentCarerProfile, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=4, choices=NeedCategory.choices)

    class Meta:
        ordering = ["need"]
        constraints = [models.UniqueConstraint(fields=["profile", "need"], name="child_need_once")]

    def __str__(self):
        return self.get_need_display()


class ConsentRecord(models.Model):
    """The history of a person's consents: one row each time one is given or withdrawn."""

    class Purpose(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", "Joined the forum and accepted the privacy notice"
        POSTCODE = "postcode", "Keep my postcode district"
        AGE_BANDS = "age_bands", "Keep my children's age bands"
        NEEDS = "needs", "Keep my children's need categories"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consent_records")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    given = models.BooleanField(help_text="True when consent was given, false when withdrawn.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self):
        verb = "gave" if self.given else "withdrew"
        return f"{self.user} {verb} consent: {self.get_purpose_display()}"


class DataExport(models.Model):
    """A person's "Download my data" request: built in the background, kept for 7 days."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "Preparing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the sections collected.")
    file = models.FileField(upload_to="exports/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "data download"

    def __str__(self):
        return f"Data download for {self.user} ({self.get_status_display()})"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at
