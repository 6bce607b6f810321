from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView

from forum_portal.people.views import PortalPermissionMixin

from . import kinds, services
from .forms import EmailPreferencesForm
from .selectors import opted_out_kinds


class EmailPreferencesView(PortalPermissionMixin, FormView):
    permission_required = "notify.change_own_preferences"
    template_name = "notify/preferences_form.html"
    form_class = EmailPreferencesForm

    def get_initial(self):
        opted_out = opted_out_kinds(self.request.user.email)
        return {"wanted": [kind.key for kind in kinds.switchable() if kind.key not in opted_out]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["switchable_kinds"] = kinds.switchable()
        return context

    def form_valid(self, form):
        services.set_preferences(self.request.user.email, wanted=set(form.cleaned_data["wanted"]))
        messages.success(self.request, "Your email choices are saved.")
        return redirect("notify:preferences")


# Mail programs make the one-click unsubscribe POST (RFC 8058) without a CSRF token; the signed
# token in the address is what authorises it, and it can only switch mail off.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    template_name = "notify/unsubscribe.html"

    def get(self, request, token):
        found = services.read_unsubscribe_token(token)
        if found is None:
            return render(request, "notify/unsubscribe_invalid.html", status=404)
        address, kind = found
        return render(request, self.template_name, {"kind": kind, "address": address, "done": False})

    def post(self, request, token):
        found = services.read_unsubscribe_token(token)
        if found is None:
            return render(request, "notify/unsubscribe_invalid.html", status=404)
        address, kind = found
        services.opt_out(address, kind.key)
        return render(request, self.template_name, {"kind": kind, "address": address, "done": True})
