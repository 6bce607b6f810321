from datetime import datetime, time
from itertools import groupby
from zoneinfo import ZoneInfo

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Hidden, Layout, Size
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape

from forum_portal import uploads
from forum_portal.people.models import Organisation

from .models import Consultation, LocalOfferComment, Question, ReplyItem, Theme

UK = ZoneInfo("Europe/London")
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
FREE_TEXT_PROMPT = "Please do not name your child, their school or anyone else."


def _helper(*fields, button="Save", name="submit") -> FormHelper:
    helper = FormHelper()
    # The button's name is its id: two forms on one page need different names.
    helper.layout = Layout(*fields, Button(name, button))
    return helper


def validate_document(upload) -> None:
    """PDF, Word or ODT only, under the size limit; checked by name and by content."""
    name = upload.name.lower()
    if not any(name.endswith(extension) for extension in DOCUMENT_TYPES):
        raise forms.ValidationError("The document must be a PDF, Word or ODT file")
    limit = settings.CONSULTATIONS_MAX_DOCUMENT_BYTES
    if upload.size > limit:
        raise forms.ValidationError(f"The document must be smaller than {filesizeformat(limit)}")
    extension = uploads.extension_of(name)
    if not uploads.begins_like(upload, extension):
        raise forms.ValidationError("The document must be a PDF, Word or ODT file")
    if not uploads.unpacks_safely(upload, extension):
        raise forms.ValidationError(
            "The document is damaged or unpacks to far more than it should: save it again, or as a PDF, and upload that"
        )


class ConsultationForm(forms.ModelForm):
    opens_on = DateInputField(
        label="Opening date", help_text="It opens at the start of this day. For example, 3 2 2027"
    )
    closes_on = DateInputField(label="Closing date", help_text="It closes at the end of this day.")

    class Meta:
        model = Consultation
        fields = [
            "title",
            "topic",
            "summary",
            "proposal",
            "options",
            "audience",
            "document",
            "easy_read_document",
            "allows_visitors",
        ]
        labels = {
            "summary": "Summary in plain English",
            "options": "The options and alternatives you considered, including those you rejected",
            "easy_read_document": "Easy Read document (optional)",
            "document": "Main document (optional)",
        }
        help_texts = {
            "proposal": "What you plan to do, and what difference it would make to families.",
            "audience": "For example: families of children aged 0 to 5 who use short breaks.",
            "document": "PDF, Word or ODT.",
            "easy_read_document": "PDF, Word or ODT.",
        }
        widgets = {"topic": forms.RadioSelect}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations or []
        # Officers of more than one partner say which one asks; a draft keeps its organisation.
        if organisations and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label="Which organisation is asking",
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": "Choose the organisation that is asking"},
            )
        if self.instance.opens_at:
            self.initial["opens_on"] = self.instance.opens_at.astimezone(UK).date()
        if self.instance.closes_at:
            self.initial["closes_on"] = self.instance.closes_at.astimezone(UK).date()
        self.fields["topic"].choices = [c for c in self.fields["topic"].choices if c[0]]
        self.helper = _helper(
            *([Field.radios("organisation", legend_size=Size.SMALL)] if "organisation" in self.fields else []),
            Field.text("title"),
            Field.radios("topic", legend_size=Size.SMALL),
            Field.textarea("summary", rows=4),
            Field.textarea("proposal", rows=5),
            Field.textarea("options", rows=5),
            Field.text("audience"),
            Field("document"),
            Field("easy_read_document"),
            Field("opens_on"),
            Field("closes_on"),
            Field.checkbox("allows_visitors"),
            button="Save draft",
        )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):
            validate_document(document)
        return document

    def clean_easy_read_document(self):
        document = self.cleaned_data.get("easy_read_document")
        if document and hasattr(document, "content_type"):
            validate_document(document)
        return document

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be after the opening date")
        return cleaned

    def consultation_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["opens_at"] = datetime.combine(self.cleaned_data["opens_on"], time(0, 0), tzinfo=UK)
        fields["closes_at"] = datetime.combine(self.cleaned_data["closes_on"], time(23, 59), tzinfo=UK)
        return fields


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "choices", "scale_low_label", "scale_high_label", "section"]
        labels = {"kind": "Type of question", "required": "People must answer this question"}
        widgets = {"kind": forms.RadioSelect, "choices": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("text"),
            Field.text("help_text"),
            Field.checkbox("required"),
            Field.textarea("choices", rows=4),
            Field.text("scale_low_label", field_width=Fluid.ONE_HALF),
            Field.text("scale_high_label", field_width=Fluid.ONE_HALF),
            Field.text("section", field_width=Fluid.TWO_THIRDS),
            button="Save question",
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        lines = [line for line in (cleaned.get("choices") or "").splitlines() if line.strip()]
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE) and len(lines) < 2:
            self.add_error("choices", "Give at least two options, one a line")
        if kind == Question.Kind.SCALE and not (cleaned.get("scale_low_label") and cleaned.get("scale_high_label")):
            self.add_error("scale_low_label", "Say what 1 and 5 mean")
        return cleaned


def question_pages(questions: list[Question]) -> list[list[Question]]:
    """Questions grouped into pages: consecutive questions of one section share a page."""
    return [list(group) for _, group in groupby(questions, key=lambda question: question.section)]


def answer_field(question: Question) -> forms.Field:
    # crispy-forms-gds prints labels and hints as HTML (``|safe``), so text an officer typed is
    # escaped here: a question is shown as written, never run as markup.
    common = {"label": escape(question.text), "required": False, "help_text": escape(question.help_text)}
    if question.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        common["help_text"] = escape(" ".join(filter(None, [question.help_text, FREE_TEXT_PROMPT])))
    if question.kind == Question.Kind.SHORT_TEXT:
        return forms.CharField(max_length=500, **common)
    if question.kind == Question.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, **common)
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(choices=question.options(), widget=forms.CheckboxSelectMultiple, **common)
    return forms.ChoiceField(choices=question.options(), widget=forms.RadioSelect, **common)


class AnswerForm(forms.Form):
    """The questions of one page. Nothing is required to save a draft; "Continue" checks the
    required ones (``check_required``)."""

    def __init__(self, *args, questions: list[Question], answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        answers = answers or {}
        layout = []
        for question in questions:
            name = f"question_{question.pk}"
            self.fields[name] = answer_field(question)
            given = answers.get(question.pk, [])
            if question.is_text:
                self.initial[name] = given[0].text if given else ""
                layout.append(Field.textarea(name) if question.kind == Question.Kind.LONG_TEXT else Field.text(name))
            elif question.kind == Question.Kind.MULTIPLE_CHOICE:
                self.initial[name] = [answer.choice for answer in given]
                layout.append(Field.checkboxes(name, legend_size=Size.SMALL))
            else:
                self.initial[name] = given[0].choice if given else None
                layout.append(Field.radios(name, legend_size=Size.SMALL))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token (the preview has none)
        self.helper.layout = Layout(*layout)

    def check_required(self) -> bool:
        for question in self.questions:
            name = f"question_{question.pk}"
            if question.required and not self.cleaned_data.get(name):
                self.add_error(name, "Answer this question, or save and come back later")
        return not self.errors

    def answers(self) -> dict:
        return {question: self.cleaned_data.get(f"question_{question.pk}") for question in self.questions}


class SendAnswersForm(forms.Form):
    share_name = forms.BooleanField(
        label="Share my name with the organisation",
        required=False,
        help_text="If you leave this unticked, they see your answers as from “a parent carer”.",
    )
    hear_back = forms.BooleanField(label="Email me when they publish what they did", required=False)
    email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        help_text="For a copy of your answers and, if you want, the reply. We use it for nothing else.",
    )

    def __init__(self, *args, visitor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.visitor = visitor
        fields = [Field.checkbox("hear_back"), Field.text("email", field_width=Fluid.TWO_THIRDS)]
        if visitor:
            del self.fields["share_name"]
        else:
            del self.fields["email"]
            fields = [Field.checkbox("share_name"), Field.checkbox("hear_back")]
        self.helper = _helper(*fields, button="Send my answers")

    def clean(self):
        cleaned = super().clean()
        if self.visitor and cleaned.get("hear_back") and not cleaned.get("email"):
            self.add_error("email", "Enter your email address so we can tell you about the reply")
        return cleaned


class ReviewForm(forms.Form):
    plain_english = forms.BooleanField(label="The summary is in plain English", required=False)
    documents_accessible = forms.BooleanField(label="The documents are accessible", required=False)
    enough_time = forms.BooleanField(label="Families have enough time to answer", required=False)
    options_described = forms.BooleanField(
        label="The options and the alternatives considered are described", required=False
    )
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: it opens on its opening date"), ("return", "Send it back with comments")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve it or send it back"},
    )
    comments = forms.CharField(
        label="Comments for the officer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you send it back: say what to change.",
    )

    CHECKLIST = ("plain_english", "documents_accessible", "enough_time", "options_described")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(*(Field.checkbox(name) for name in self.CHECKLIST), legend="Checklist", legend_size=Size.MEDIUM),
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("comments"),
            button="Record decision",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve":
            for name in self.CHECKLIST:
                if not cleaned.get(name):
                    self.add_error(name, "Check this before approving, or send it back")
        if cleaned.get("decision") == "return" and not (cleaned.get("comments") or "").strip():
            self.add_error("comments", "Say what the officer needs to change")
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why it is withdrawn",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is shown publicly on the consultation's page.",
        error_messages={"required": "Give the reason, which is shown publicly"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), button="Withdraw the consultation")


class ExtendForm(forms.Form):
    closes_on = DateInputField(label="New closing date", help_text="It closes at the end of this day.")
    reason = forms.CharField(
        label="Why it is extended",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is shown publicly on the consultation's page.",
        error_messages={"required": "Give the reason, which is shown publicly"},
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.helper = _helper(Field("closes_on"), Field.textarea("reason"), button="Extend the consultation")

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on is None:  # the date field lets parts made only of spaces through as no date
            raise forms.ValidationError("Enter the new closing date")
        if closes_on <= self.consultation.closes_at.astimezone(UK).date():
            raise forms.ValidationError("The new closing date must be after the current one")
        return closes_on

    def closes_at(self) -> datetime:
        return datetime.combine(self.cleaned_data["closes_on"], time(23, 59), tzinfo=UK)


class ThemeForm(forms.Form):
    name = forms.CharField(label="New theme", max_length=100, error_messages={"required": "Give the theme a name"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("name", field_width=Fluid.TWO_THIRDS), button="Add theme")


class ReplySummaryForm(forms.Form):
    summary = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How many people answered, and what you heard overall.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("summary"), button="Save introduction")


class ReplyItemForm(forms.ModelForm):
    due_date = DateInputField(label="Due date", required=False, help_text="Needed when it will change.")

    class Meta:
        model = ReplyItem
        fields = ["theme", "you_said", "we_did", "outcome", "reason", "owner"]
        labels = {"theme": "Theme (optional)", "owner": "Who will make the change"}
        widgets = {"outcome": forms.RadioSelect, "you_said": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "you_said": {"required": "Say what people said"},
            "we_did": {"required": "Say what you did or will do"},
            "outcome": {"required": "Choose the outcome"},
        }

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.due_date:
            self.initial["due_date"] = self.instance.due_date
        self.fields["theme"].queryset = Theme.objects.filter(consultation=consultation)
        self.fields["outcome"].choices = [c for c in self.fields["outcome"].choices if c[0]]
        self.helper = _helper(
            Field.select("theme"),
            Field.textarea("you_said", rows=3),
            Field.textarea("we_did", rows=3),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            Field.text("owner", field_width=Fluid.TWO_THIRDS),
            Field("due_date"),
            button="Save item",
        )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != ReplyItem.Outcome.CHANGED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give the reason, unless the outcome is “changed”")
        if outcome == ReplyItem.Outcome.WILL_CHANGE:
            if not cleaned.get("owner"):
                self.add_error("owner", "Say who will make the change")
            if not cleaned.get("due_date"):
                self.add_error("due_date", "Give the date it will change by")
        return cleaned

    def _post_clean(self):
        # clean() already put the reason and owner rules next to their fields; the model's
        # constraints would repeat them at the top, so they are left to the service to check again.
        if not self.errors:
            super()._post_clean()

    def item_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in [*self.Meta.fields, "due_date"]}


class ProgressUpdateForm(forms.Form):
    text = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown publicly with today's date.",
        error_messages={"required": "Write the update"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("text"), button="Add update", name="add_update")


class LocalOfferRoundForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Council",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY),
        empty_label="Choose the council",
        error_messages={"required": "Choose the council whose Local Offer it is"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.select("organisation"), button="Open Local Offer feedback for a year")


class LocalOfferCommentForm(forms.ModelForm):
    class Meta:
        model = LocalOfferComment
        fields = ["aspect", "text"]
        labels = {"aspect": "What is your comment about?", "text": "Your comment"}
        help_texts = {"text": FREE_TEXT_PROMPT}
        widgets = {"aspect": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "aspect": {"required": "Choose what your comment is about"},
            "text": {"required": "Write your comment"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].choices = [c for c in self.fields["aspect"].choices if c[0]]
        self.helper = _helper(
            Field.radios("aspect", legend_size=Size.SMALL), Field.textarea("text"), button="Send comment"
        )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[c for c in LocalOfferComment.Moderation.choices if c[0] != LocalOfferComment.Moderation.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    reason = forms.CharField(
        label="Why it is kept out",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed unless it is publishable.",
    )

    def __init__(self, *args, comment, **kwargs):
        super().__init__(*args, prefix=f"comment-{comment.pk}", **kwargs)
        self.comment = comment
        self.helper = _helper(
            Hidden("comment", comment.pk),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("reason"),
            button="Save decision",
            name=f"moderate_{comment.pk}",
        )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != LocalOfferComment.Moderation.PUBLISHABLE and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the comment is kept out")
        return cleaned
