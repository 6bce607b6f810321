from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from . import kinds


class EmailPreferencesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label="Emails you want",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick any you do not want. Emails about your account and receipts for your answers always come.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [(kind.key, kind.label) for kind in kinds.switchable()]
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.checkboxes("wanted", legend_size=Size.MEDIUM), Button("submit", "Save"))
