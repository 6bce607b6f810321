from django.forms import modelform_factory

from forum_portal.people.models import Organisation
from participation.models import Event


def test_a_web_address_typed_without_its_scheme_is_taken_as_https():
    for model, field in [(Organisation, "website"), (Event, "online_link")]:
        form = modelform_factory(model, fields=[field])({field: "www.example.org/meet"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data[field] == "https://www.example.org/meet"
