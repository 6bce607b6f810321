from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify

from forum_portal import uploads
from forum_portal.people.models import NeedCategory, Organisation, User

from .models import Article, Attachment, Audience, Topic


def forum_staff():
    return User.objects.filter(memberships__organisation__kind=Organisation.Kind.FORUM).order_by("full_name", "email")


class DateInput(forms.DateInput):
    input_type = "date"


class ArticleForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose every topic the page is about. People who follow a topic hear about it.",
    )
    owner = forms.ModelChoiceField(
        queryset=forum_staff(),
        label="Owner",
        help_text="Who keeps the page up to date. They are reminded when the review date passes.",
    )

    class Meta:
        model = Article
        fields = ["title", "summary", "body", "easy_read", "topics", "audience", "owner", "last_reviewed", "review_due"]
        labels = {
            "body": "Text",
            "easy_read": "Easy Read version (optional)",
            "last_reviewed": "Last reviewed (optional)",
            "review_due": "Review by (optional)",
        }
        help_texts = {
            "body": "Markdown: a line starting ## is a heading, * starts a bullet, [words](https://...) is a link.",
            "easy_read": "Short sentences and everyday words. Shown in larger text when people choose Easy Read.",
        }
        widgets = {
            "audience": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "last_reviewed": DateInput,
            "review_due": DateInput,
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a summary"},
            "body": {"required": "Enter the text of the page"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = forum_staff()
        self.fields["owner"].error_messages["required"] = "Choose who owns the page"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("summary", rows=2),
            Field.textarea("body", rows=14),
            Field.textarea("easy_read", rows=8),
            Field.checkboxes("topics", legend_size=Size.SMALL, small=True),
            Field.radios("audience", legend_size=Size.SMALL, small=True),
            Field.select("owner"),
            Field("last_reviewed"),
            Field("review_due"),
            Button("submit", "Save"),
        )

    def clean(self):
        cleaned = super().clean()
        reviewed, due = cleaned.get("last_reviewed"), cleaned.get("review_due")
        if reviewed and due and due <= reviewed:
            self.add_error("review_due", "The review date must be after the date it was last reviewed")
        return cleaned


def check_attachment(upload) -> None:
    """Refuse a file staff may not attach: of a type not allowed, too large, not what its name
    says, or a document that unpacks to far more than it should. The portal's form and the admin
    both check with this."""
    extension = uploads.extension_of(upload.name)
    if extension not in settings.INFORMATION_ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(settings.INFORMATION_ATTACHMENT_TYPES))
        raise forms.ValidationError(f"The file must be one of these types: {allowed}")
    limit = settings.INFORMATION_ATTACHMENT_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise forms.ValidationError(f"The file must be smaller than {limit} MB")
    if not uploads.begins_like(upload, extension):
        raise forms.ValidationError(f"The file is not a real {extension.upper()} file")
    if not uploads.unpacks_safely(upload, extension):
        raise forms.ValidationError(
            f"The {extension.upper()} file is damaged or unpacks to far more than it should: "
            "save it again, or as a PDF, and upload that"
        )


class AttachmentForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the file"})
    file = forms.FileField(error_messages={"required": "Choose a file"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field("file"),
            Button("submit", "Add the file"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_attachment(upload)
        return upload


class AdminAttachmentForm(forms.ModelForm):
    """An attachment in the Django admin: a new file gets the portal's checks, and its size noted."""

    class Meta:
        model = Attachment
        fields = ["article", "title", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # A file already kept is left as it is; only a new upload is checked.
        if isinstance(upload, UploadedFile):
            check_attachment(upload)
            self.instance.size = upload.size
        return upload


class SearchForm(forms.Form):
    """The search box and its filters. A topic or audience not in the lists (an old or mistyped
    link) is an error shown beside its filter, never an empty result."""

    q = forms.CharField(
        label="Search guides, news and services",
        max_length=200,
        required=False,
        error_messages={"max_length": "Enter at most %(limit_value)d characters"},
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.order_by("name"),
        required=False,
        empty_label="Any topic",
        to_field_name="slug",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "There is no topic “%(value)s”: choose one from the list"},
    )
    audience = forms.ChoiceField(
        choices=[("", "Anyone")] + list(Audience.choices),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose who it is written for from the list"},
    )

    def full_clean(self):
        super().full_clean()
        # A filter in error is drawn the way GOV.UK draws one, pointing to its message.
        for name in {"topic", "audience"} & set(self.errors):
            self.fields[name].widget.attrs.update(
                {"class": "govuk-select govuk-select--error", "aria-describedby": f"id_{name}-error"}
            )


class FollowTopicsForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Topics you follow",
        help_text="Once a week we email you what is new in these topics. Nothing new, no email.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(Field.checkboxes("topics", small=True), legend="Topics you follow", legend_size=Size.MEDIUM),
            Button("submit", "Save the topics I follow"),
        )


class DirectoryFilterForm(forms.Form):
    need = forms.ChoiceField(
        choices=[("", "Any need")] + list(NeedCategory.choices),
        required=False,
        error_messages={"invalid_choice": "Choose a need from the list"},
    )
    age = forms.IntegerField(label="Age of the child or young person", min_value=0, max_value=25, required=False)
    area = forms.ChoiceField(
        choices=[("", "Any area")],
        required=False,
        error_messages={"invalid_choice": "Choose an area from the list"},
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area")] + [(area, area) for area in areas]
        self.fields["age"].error_messages.update(
            {
                "invalid": "Enter the age as a number, like 8",
                "min_value": "Enter an age from 0 to 25",
                "max_value": "Enter an age from 0 to 25",
            }
        )


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "description"]
        labels = {"description": "Description (optional)"}
        error_messages = {
            "name": {"required": "Enter the topic's name", "unique": "There is already a topic with this name"}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("description", field_width=Fluid.FULL),
            Button("submit", "Save the topic"),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Topic.objects.filter(slug=slugify(name)).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a topic with this name")
        return name
