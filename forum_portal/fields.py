"""Model fields the apps share."""

from django.db import models


class WebAddressField(models.URLField):
    """A web address. One typed without its scheme ("www.council.gov.uk") is taken as https, in
    every form built from the model, the admin's included."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
