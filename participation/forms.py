from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from consultations.models import Consultation
from forum_portal.people.models import AgeBand, NeedCategory, Organisation, User

from .models import AccessNeed, Activity, Event, Group, Interest, LadderStep, Opportunity, PopulationFigure

NO_NAMES_HINT = "Please do not name your child or their school."


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date and time picker; works without JavaScript."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "organisation",
            "group",
            "consultation",
            "starts_at",
            "ends_at",
            "is_online",
            "address",
            "online_link",
            "capacity",
            "booking_deadline",
            "accessibility",
        ]
        labels = {
            "kind": "Kind of event",
            "organisation": "Organisation running it",
            "group": "Group (optional)",
            "consultation": "Consultation (optional)",
            "starts_at": "Starts",
            "ends_at": "Ends",
            "is_online": "This event is online",
            "online_link": "Online meeting link",
            "capacity": "Number of places",
            "booking_deadline": "Booking closes (optional)",
            "accessibility": "Accessibility information",
        }
        help_texts = {
            "description": "You can use Markdown for headings, lists and links.",
            "consultation": "If the event is held to hear views for a consultation.",
            "address": "For an event in person.",
            "online_link": "Only people with a place see it.",
            "booking_deadline": "If empty, booking closes when the event starts.",
        }
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "booking_deadline": DateTimeLocalInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(is_active=True)
        self.fields["consultation"].queryset = Consultation.objects.public().order_by("-opens_at", "title")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.select("kind"),
            Field.textarea("description", rows=6),
            Field.select("organisation"),
            Field.select("group"),
            Field.select("consultation"),
            Field.text("starts_at", field_width=Fluid.ONE_HALF),
            Field.text("ends_at", field_width=Fluid.ONE_HALF),
            Field.checkbox("is_online"),
            Field.textarea("address"),
            Field.text("online_link"),
            Field.text("capacity", field_width=Fixed.FIVE),
            Field.text("booking_deadline", field_width=Fluid.ONE_HALF),
            Field.textarea("accessibility"),
            Button("submit", "Save event"),
        )

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The end must be after the start")
        if data.get("is_online") and not data.get("online_link"):
            self.add_error("online_link", "Enter the link for an online event")
        if not data.get("is_online") and not data.get("address", "").strip():
            self.add_error("address", "Enter the address of an event in person")
        deadline = data.get("booking_deadline")
        if deadline and starts_at and deadline > starts_at:
            self.add_error("booking_deadline", "Booking must close before the event starts")
        return data

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError("An event needs at least 1 place")
        return capacity

    def _post_clean(self):
        # The service validates the whole model when saving; here only the fields are checked so
        # that the messages above are the ones people see.
        pass


class BookingForm(forms.Form):
    access_needs = forms.MultipleChoiceField(
        label="Do you need any of these?",
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    access_needs_detail = forms.CharField(
        label="Anything else we should know so you can take part? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a carer coming with you or a time you need to leave. " + NO_NAMES_HINT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(Field.checkboxes("access_needs"), legend="Access needs", legend_size=Size.MEDIUM),
            Field.textarea("access_needs_detail"),
            Button("submit", "Book a place"),
        )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who came?", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A short note of what came out of the event. It goes into the participation log.",
    )

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(booking.user_id), str(booking.user)) for booking in bookings]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("attended"), Field.textarea("outcome"), Button("submit", "Save attendance")
        )


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["title", "group", "description", "closes_on", "seat_term_months"]
        labels = {"group": "Group (optional)", "closes_on": "Closing date", "seat_term_months": "Term in months"}
        widgets = {"closes_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.select("group"),
            Field.textarea("description", rows=6),
            Field.text("closes_on", field_width=Fluid.ONE_HALF),
            Field.text("seat_term_months", field_width=Fixed.FIVE),
            Button("submit", "Save opportunity"),
        )

    def clean_seat_term_months(self):
        months = self.cleaned_data["seat_term_months"]
        if months < 1:
            raise forms.ValidationError("A term must be at least 1 month")
        return months

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        unchanged = self.instance.pk is not None and closes_on == self.instance.closes_on
        if closes_on < timezone.localdate() and not unchanged:
            raise forms.ValidationError("The closing date must be today or in the future")
        return closes_on

    def _post_clean(self):
        pass


class InterestForm(forms.ModelForm):
    class Meta:
        model = Interest
        fields = ["statement"]
        labels = {"statement": "Why are you interested?"}
        help_texts = {"statement": "A few sentences about what you would bring. " + NO_NAMES_HINT}
        error_messages = {"statement": {"required": "Tell us briefly why you are interested"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("statement", rows=5), Button("submit", "Express interest"))


class DecideInterestForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("appoint", "Appoint"), ("decline", "Not this time")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose appoint or not this time"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.radios("decision", inline=True), Button("submit", "Save decision"))


class RepReportForm(forms.Form):
    meeting_on = forms.DateField(label="Date of the meeting", widget=DateInput())
    took_in = forms.CharField(label="What you took in", widget=forms.Textarea(attrs={"rows": 4}))
    decided = forms.CharField(label="What was decided", widget=forms.Textarea(attrs={"rows": 4}))
    report_back = forms.CharField(label="What you report back to members", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("meeting_on", field_width=Fluid.ONE_HALF),
            Field.textarea("took_in"),
            Field.textarea("decided"),
            Field.textarea("report_back"),
            Button("submit", "Publish report"),
        )

    def clean_meeting_on(self):
        meeting_on = self.cleaned_data["meeting_on"]
        if meeting_on > timezone.localdate():
            raise forms.ValidationError("The meeting date must be today or in the past")
        return meeting_on


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "happened_on",
            "organisation",
            "ladder_step",
            "parent_carers_involved",
            "hours",
            "impact",
        ]
        labels = {
            "happened_on": "Date",
            "ladder_step": "Step on the ladder",
            "parent_carers_involved": "Number of parent carers involved",
        }
        widgets = {"happened_on": DateInput(), "impact": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["ladder_step"].choices = LadderStep.choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.select("kind"),
            Field.text("happened_on", field_width=Fluid.ONE_HALF),
            Field.select("organisation"),
            Field.radios("ladder_step"),
            Field.text("parent_carers_involved", field_width=Fixed.FIVE),
            Field.text("hours", field_width=Fixed.FIVE),
            Field.textarea("impact"),
            Button("submit", "Save" if self.instance.pk else "Add to the log"),
        )

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours < 0:
            raise forms.ValidationError("Hours cannot be less than 0")
        return hours

    def _post_clean(self):
        # The service validates and saves; the form keeps its own messages.
        pass


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def __init__(self, *args, button: str = "Show report", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("start", field_width=Fluid.ONE_QUARTER),
            Field.text("end", field_width=Fluid.ONE_QUARTER),
            Button("show", button),
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be after its start")
        return data


class MemberFilterForm(forms.Form):
    area = forms.ChoiceField(label="Area", required=False)
    age_band = forms.ChoiceField(label="Age band of children", required=False)
    need = forms.ChoiceField(label="Need category of children", required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area"), *((area, area) for area in areas)]
        self.fields["age_band"].choices = [("", "Any age band"), *AgeBand.choices]
        self.fields["need"].choices = [("", "Any need category"), *NeedCategory.choices]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("area"), Field.select("age_band"), Field.select("need"), Button("filter", "Filter members")
        )


class PopulationFigureForm(forms.ModelForm):
    class Meta:
        model = PopulationFigure
        fields = ["dimension", "value", "count"]
        labels = {"dimension": "Kind of group", "value": "Group", "count": "Children and young people with SEND"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("dimension"),
            Field.text("value", field_width=Fixed.TEN),
            Field.text("count", field_width=Fixed.FIVE),
            Button("submit", "Save figure"),
        )

    def clean(self):
        data = super().clean()
        dimension, value = data.get("dimension"), (data.get("value") or "").strip().upper()
        valid = {
            PopulationFigure.Dimension.AGE_BAND: AgeBand.values,
            PopulationFigure.Dimension.NEED: NeedCategory.values,
        }.get(dimension)
        if dimension == PopulationFigure.Dimension.AGE_BAND:
            value = value.lower()
        if valid is not None and value not in valid:
            self.add_error("value", "Enter one of: " + ", ".join(valid))
        data["value"] = value
        return data

    def _post_clean(self):
        # Saving a figure for a group that has one replaces it (the service updates in place), so
        # the model's unique constraint is not a form error here.
        pass


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "slug", "kind", "organisation", "purpose", "meeting_pattern", "is_active"]
        labels = {
            "slug": "Web address name",
            "kind": "Kind of group",
            "organisation": "Partner organisation",
            "is_active": "The group is running",
        }
        help_texts = {
            "slug": "Lower-case letters, numbers and hyphens, for example send-partnership-board.",
            "purpose": "You can use Markdown for lists and links.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.text("slug", field_width=Fluid.TWO_THIRDS),
            Field.select("kind"),
            Field.select("organisation"),
            Field.textarea("purpose", rows=5),
            Field.text("meeting_pattern"),
            Field.checkbox("is_active"),
            Button("submit", "Save group"),
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Group.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another group already uses this web address name")
        return slug

    def _post_clean(self):
        pass


class AddGroupMemberForm(forms.Form):
    email = forms.EmailField(label="Email address of the member")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("email", field_width=Fluid.TWO_THIRDS), Button("submit", "Add member"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.user = User.objects.filter(email=email, parent_carer_profile__isnull=False).first()
        if self.user is None:
            raise forms.ValidationError("There is no forum member with this email address")
        return email
