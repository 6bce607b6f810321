import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from .models import AgeBand, NeedCategory, ParentCarerProfile, User

POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class JoinForumForm(forms.Form):
    full_name = forms.CharField(
        label="Your name (optional)",
        max_length=150,
        required=False,
        help_text="Forum staff see it. Nobody else does unless you choose to share it.",
    )
    accept_privacy_notice = forms.BooleanField(
        label="I have read the privacy notice and want to join the forum",
        error_messages={"required": "Tick the box to say you have read the privacy notice and want to join"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("accept_privacy_notice"),
            Button("submit", "Join the forum"),
        )


class ProfileDataForm(forms.Form):
    """The three kinds of optional data, each with its own consent box."""

    postcode_consent = forms.BooleanField(
        label="Yes, keep my postcode district",
        required=False,
        help_text="So the forum can show the council which areas its members live in.",
    )
    postcode_district = forms.CharField(
        label="Postcode district",
        max_length=4,
        required=False,
        help_text="The first part of your postcode only, for example BS16.",
    )
    age_bands_consent = forms.BooleanField(
        label="Yes, keep my children's age bands",
        required=False,
        help_text="So the forum can tell which ages it hears about, and which it does not.",
    )
    age_bands = forms.MultipleChoiceField(
        label="Age bands of your children",
        choices=AgeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_consent = forms.BooleanField(
        label="Yes, keep my children's need categories",
        required=False,
        help_text="This is special category data about your children. We keep it only while you agree.",
    )
    needs = forms.MultipleChoiceField(
        label="Needs of your children",
        choices=NeedCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The categories schools and councils use. Choose any that fit.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.checkbox("postcode_consent"),
                Field.text("postcode_district", field_width=Fixed.FIVE),
                legend="Where you live",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkbox("age_bands_consent"),
                Field.checkboxes("age_bands", small=True),
                legend="Your children's ages",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkbox("needs_consent"),
                Field.checkboxes("needs", small=True),
                legend="Your children's needs",
                legend_size=Size.MEDIUM,
            ),
            HTML('<p class="govuk-body">Unticking a box deletes that information straight away.</p>'),
            Button("submit", "Save"),
        )

    @classmethod
    def initial_for(cls, profile: ParentCarerProfile) -> dict:
        return {
            "postcode_consent": profile.postcode_consented_at is not None,
            "postcode_district": profile.postcode_district,
            "age_bands_consent": profile.age_bands_consented_at is not None,
            "age_bands": [row.age_band for row in profile.age_bands.all()],
            "needs_consent": profile.needs_consented_at is not None,
            "needs": [row.need for row in profile.needs.all()],
        }

    def clean_postcode_district(self):
        value = self.cleaned_data["postcode_district"].replace(" ", "").upper()
        if value and not POSTCODE_DISTRICT.match(value):
            raise forms.ValidationError("Enter the first part of a postcode, like BS16 or M1")
        return value

    def clean(self):
        data = super().clean()
        pairs = [
            ("postcode_consent", "postcode_district", "Enter your postcode district, or untick the box above it"),
            ("age_bands_consent", "age_bands", "Select at least one age band, or untick the box above"),
            ("needs_consent", "needs", "Select at least one need, or untick the box above"),
        ]
        for consent_field, data_field, missing_message in pairs:
            if data_field in self.errors:
                continue
            if data.get(consent_field) and not data.get(data_field):
                self.add_error(data_field, missing_message)
            elif data.get(data_field) and not data.get(consent_field) and not self.initial.get(consent_field):
                # Typed but never agreed to. (Unticking a box agreed to before is a withdrawal:
                # the stored data still shows in the form, and is deleted.)
                self.add_error(consent_field, "Tick the box to let us keep this, or clear what you entered")
        return data

    WITHDRAWN_NAMES = {
        "postcode_consent": "your postcode district",
        "age_bands_consent": "your children's age bands",
        "needs_consent": "your children's need categories",
    }

    def withdrawn(self) -> list[str]:
        """What the member agreed to before and has now unticked, in words for a message."""
        return [
            name
            for field, name in self.WITHDRAWN_NAMES.items()
            if self.initial.get(field) and not self.cleaned_data.get(field)
        ]

    def consented_values(self) -> dict:
        """Each kind of data, or None where the member does not consent to it."""
        data = self.cleaned_data
        return {
            "postcode_district": data["postcode_district"] if data["postcode_consent"] else None,
            "age_bands": data["age_bands"] if data["age_bands_consent"] else None,
            "needs": data["needs"] if data["needs_consent"] else None,
        }


class LeaveForumForm(forms.Form):
    confirm = forms.BooleanField(
        label="I want to leave the forum and delete my profile",
        error_messages={"required": "Tick the box to confirm you want to leave the forum"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.checkbox("confirm"), Button.warning("submit", "Leave the forum"))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="So we know it is really you.",
        error_messages={"required": "Enter your password"},
    )
    confirm = forms.BooleanField(
        label="I understand my account will be deleted and this cannot be undone",
        error_messages={"required": "Tick the box to confirm you want to delete your account"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("password", field_width=Fluid.ONE_HALF),
            Field.checkbox("confirm"),
            Button.warning("submit", "Delete my account"),
        )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right")
        return password


class PastDateField(DateInputField):
    """The GOV.UK date input, saying plainly when the day, month and year make no real date."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DeleteOnRequestForm(forms.Form):
    """Forum staff delete someone's account because that person asked in writing."""

    email = forms.EmailField(
        label="Email address of the account",
        error_messages={"required": "Enter the email address of the account", "invalid": "Enter an email address"},
    )
    received_on = PastDateField(label="Date the written request arrived", help_text="For example, 27 3 2026")
    reference = forms.CharField(
        label="Where the request is kept (optional)",
        max_length=200,
        required=False,
        help_text="For example, the subject and date of the email, or the letter's file number. "
        "Do not copy what the request says.",
    )

    def __init__(self, *args, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["received_on"].error_messages = {
            "required": "Enter the date the request arrived",
            "invalid": "Enter a real date, for example 27 3 2026",
        }
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field("received_on"),
            Field.text("reference", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Continue"),
        )

    def clean_email(self):
        email = self.cleaned_data["email"]
        account = User.objects.filter(email__iexact=email).first()
        if account is None:
            raise forms.ValidationError("There is no account with this email address. Check it and try again.")
        if account.pk == self.by.pk:
            raise forms.ValidationError("This is your own account. Delete it from your account page.")
        if account.is_staff or account.is_superuser:
            raise forms.ValidationError("This is a forum admin's account. Another forum admin deletes it.")
        self.account = account
        return email

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("The date the request arrived must be today or in the past")
        return received_on
