from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms

from forum_portal.people.models import Organisation

from .models import AgendaItem, Decision, Meeting, Project, Side, TeamMember


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class MeetingDateField(DateInputField):
    """The GOV.UK date input (day, month, year), with messages that say which part is wrong."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages = {
            "required": "Enter the date of the meeting",
            "incomplete": "Enter the date of the meeting as a day, month and year",
            "invalid": "Enter a real date, for example 27 3 2026",
        }

    def compress(self, data_list):
        # The parent passes on Python's own words for a day the month does not have
        # ("day is out of range for month"); say it plainly instead.
        try:
            return super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class ProjectForm(forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        label="Partner organisations",
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.FORUM),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = ["title", "aims", "partners", "visibility", "ladder_step", "parent_share_threshold"]
        labels = {
            "title": "Project name",
            "aims": "Aims",
            "visibility": "Who can see the project",
            "ladder_step": "Where the project is on the ladder now",
            "parent_share_threshold": "Smallest share of parent carers at a meeting, in per cent",
        }
        help_texts = {
            "aims": "What the project sets out to change for families. You can use Markdown.",
            "visibility": "A public project shows a summary: its aims, how many people are on each side, "
            "its decisions, actions and co-produced documents.",
        }
        error_messages = {
            "title": {"required": "Enter the project's name"},
            "aims": {"required": "Enter the project's aims"},
            "parent_share_threshold": {
                "required": "Enter the smallest share of parent carers, in per cent",
                "invalid": "Enter the share as a whole number, for example 33",
            },
        }
        widgets = {"visibility": forms.RadioSelect, "ladder_step": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_share_threshold"].max_value = 100
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("aims", rows=6),
            Field.checkboxes("partners", legend_size=Size.SMALL),
            Field.radios("visibility", legend_size=Size.SMALL),
            Field.radios("ladder_step", legend_size=Size.SMALL),
            Field.text("parent_share_threshold", field_width=3),
            button="Save the project",
        )

    def clean_parent_share_threshold(self):
        value = self.cleaned_data["parent_share_threshold"]
        if value > 100:
            raise forms.ValidationError("Enter a share from 0 to 100")
        return value


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="We email them a link to join. If they have no account yet, they can create one with this address.",
        error_messages={"required": "Enter the person's email address", "invalid": "Enter a real email address"},
    )
    side = forms.ChoiceField(
        label="Which side are they on",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which side the person is on"},
    )
    is_lead = forms.BooleanField(label="They will lead their side", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("side", legend_size=Size.SMALL, inline=True),
            Field.checkbox("is_lead"),
            button="Send the invitation",
        )


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label="What should the team talk about",
        max_length=200,
        error_messages={"required": "Enter what the team should talk about"},
    )
    description = forms.CharField(
        label="More detail (optional)", widget=forms.Textarea, required=False, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description", rows=3),
            button="Propose the item",
        )


class ParkItemForm(forms.Form):
    reason = forms.CharField(
        label="Why park this item",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Say why the item is parked"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", rows=3), button="Park the item")


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return f"{member.display_name} ({member.get_side_display().lower()})"


class MeetingForm(forms.Form):
    title = forms.CharField(label="Meeting name", max_length=200, error_messages={"required": "Enter a name"})
    held_on = MeetingDateField(label="Date of the meeting", help_text="For example, 27 3 2026")
    agenda_items = forms.ModelMultipleChoiceField(
        label="Agreed agenda items discussed",
        queryset=AgendaItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = MemberChoiceField(
        label="Who came",
        queryset=TeamMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who came to the meeting"},
    )

    def __init__(self, *args, project, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_items"].queryset = AgendaItem.objects.filter(
            project=project, status=AgendaItem.Status.AGREED
        )
        self.fields["attendees"].queryset = team
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field("held_on"),
            Field.checkboxes("agenda_items", legend_size=Size.SMALL),
            Field.checkboxes("attendees", legend_size=Size.SMALL),
            button="Record the meeting",
        )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="What was decided",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Enter what was decided"},
    )
    meeting = forms.ModelChoiceField(
        label="At which meeting (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a meeting",
    )
    agreed_by = MemberChoiceField(
        label="Who agreed",
        queryset=TeamMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who agreed the decision"},
    )
    dissent = forms.CharField(
        label="Anyone who did not agree, and why (optional)", widget=forms.Textarea, required=False, max_length=4000
    )

    def __init__(self, *args, project, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(project=project)
        self.fields["agreed_by"].queryset = team
        self.helper = _helper(
            Field.textarea("text", rows=3),
            Field.select("meeting"),
            Field.checkboxes("agreed_by", legend_size=Size.SMALL),
            Field.textarea("dissent", rows=2),
            button="Record the decision",
        )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.display_name} ({member.get_side_display().lower()})"


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, decision):
        return f"{decision.decided_on:%-d %b %Y}: {decision.text[:80]}"


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs doing",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter what needs doing"},
    )
    owner = OwnerChoiceField(
        label="Who will do it",
        queryset=TeamMember.objects.none(),
        error_messages={"required": "Choose who will do it"},
    )
    due_on = MeetingDateField(label="Due by", help_text="For example, 27 3 2026")
    decision = DecisionChoiceField(
        label="From which decision (optional)", queryset=Decision.objects.none(), required=False,
        empty_label="Not from a decision",
    )  # fmt: skip

    def __init__(self, *args, team, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team
        self.fields["decision"].queryset = decisions
        self.fields["due_on"].error_messages["required"] = "Enter the date the action is due"
        self.helper = _helper(
            Field.textarea("description", rows=2),
            Field.select("owner"),
            Field("due_on"),
            Field.select("decision"),
            button="Add the action",
        )


class ActionEditForm(forms.Form):
    description = forms.CharField(
        label="What needs doing",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter what needs doing"},
    )
    owner = OwnerChoiceField(
        label="Who will do it",
        queryset=TeamMember.objects.none(),
        error_messages={"required": "Choose who will do it", "invalid_choice": "Choose someone on the team"},
    )
    due_on = MeetingDateField(label="Due by", help_text="For example, 27 3 2026")
    status = forms.ChoiceField(
        label="Is it done",
        choices=[("open", "Not yet"), ("done", "Yes, it is done")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the action is done"},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team
        self.fields["due_on"].error_messages["required"] = "Enter the date the action is due"
        self.helper = _helper(
            Field.textarea("description", rows=2),
            Field.select("owner"),
            Field("due_on"),
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            button="Save the action",
        )


class DocumentForm(forms.Form):
    title = forms.CharField(label="Document title", max_length=200, error_messages={"required": "Enter a title"})
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea,
        help_text="You can use Markdown: # for a heading, * for a list.",
        error_messages={"required": "Enter the text of the document"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("body", rows=15),
            button="Save the document",
        )


class DocumentEditForm(forms.Form):
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea,
        help_text="You can use Markdown: # for a heading, * for a list.",
        error_messages={"required": "Enter the text of the document"},
    )
    # The version the writer started from, so a newer save by someone else is noticed.
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("body", rows=15), "based_on", button="Save a new version")

    def clean(self):
        # The hidden field has no place on the page for its own message: say it for the form.
        if "based_on" in self._errors:
            del self._errors["based_on"]
            raise forms.ValidationError(
                "This page is out of date. Copy your text, open the document again and paste it."
            )
        return super().clean()


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment", widget=forms.Textarea, max_length=4000, error_messages={"required": "Enter your comment"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("text", rows=3), button="Add the comment")


SCORE_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


def _score(label: str, hint: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=f"{hint} 1 is not at all, 5 is very well.",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose a rating for {label.lower()}"},
    )


class CornerstonesForm(forms.Form):
    welcome = _score("Welcome and care", "Do people feel welcome, and is their time and effort cared for?")
    value = _score("Value and include", "Is everyone's experience valued, and is everyone included?")
    communicate = _score("Communicate", "Is information shared openly, in time and in plain words?")
    partnership = _score("Work in partnership", "Do parent carers and professionals decide together, as equals?")
    comment = forms.CharField(label="Anything you want to add (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            *[Field.radios(name, legend_size=Size.SMALL, inline=True) for name in CORNERSTONE_FIELDS],
            Field.textarea("comment", rows=3),
            button="Save my rating",
        )


CORNERSTONE_FIELDS = ("welcome", "value", "communicate", "partnership")
