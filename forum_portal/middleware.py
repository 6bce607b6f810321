"""Middleware of the portal as a whole."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


class ServiceRefusalMiddleware:
    """A change a service refused is a message on the page the person came from, not an error page.

    Services protect their rules by raising ``ValidationError`` (a question added once the
    consultation is no longer a draft, a withdrawal once it has closed). Views catch what is about
    the input and show it next to its field; what reaches here is about the object's state, which
    moved on while the page was open, or which a forum admin, who holds every permission, asked
    to change in a way no role may. Nothing was saved: the service's transaction was rolled back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ValidationError) or request.method != "POST":
            return None
        for message in exception.messages:
            messages.error(request, message)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = request.path
        return redirect(back)
