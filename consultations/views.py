import csv
import functools
import tempfile

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.views import View
from django.views.generic import FormView, TemplateView
from openpyxl import Workbook

from forum_portal import fragments
from forum_portal.audit.services import record_event
from forum_portal.people.models import Organisation
from forum_portal.people.services import spreadsheet_safe
from forum_portal.people.views import PortalPermissionMixin

from . import selectors, services
from .forms import (
    AnswerForm,
    ConsultationForm,
    ExtendForm,
    LocalOfferCommentForm,
    LocalOfferRoundForm,
    ModerationForm,
    ProgressUpdateForm,
    QuestionForm,
    ReplyItemForm,
    ReplySummaryForm,
    ReviewForm,
    SendAnswersForm,
    ThemeForm,
    WithdrawForm,
    question_pages,
)
from .models import Answer, Consultation, LocalOfferComment, Phase, Question, ReplyItem, Response, Topic
from .panels import next_step

PAGE_SIZE = 20
TEXT_ANSWERS_PAGE_SIZE = 50
# What a consultation's pages show the same to everyone (its history, how many answered, the counts
# per choice, the published reply) is kept as cached fragments (forum_portal.fragments): rendered
# again as soon as anything in this app changes (an answer sent, a theme tagged, a reply corrected).
# None of it changes with the clock; this bounds how long a fragment lives in any case.
CONTENT_SECONDS = 600


ACCOUNTABILITY_SECONDS = 300
# The first pages of an officer's written answers are kept too (see ResultsView).
CACHED_ANSWER_PAGES = 20
CSRF_STAND_IN = "csrf-token-stand-in"


def _fragment(consultation, name: str, render) -> fragments.Fragment:
    return fragments.Fragment(f"consultations:{consultation.pk}:{name}", "consultations", render, CONTENT_SECONDS)


def _answer_count(consultation) -> fragments.Fragment:
    return _fragment(consultation, "answer-count", lambda: str(selectors.submitted_count(consultation)))


def _results(consultation) -> fragments.Fragment:
    """The counts per choice (charts and tables) as HTML; empty when there is no choice question."""

    def render() -> str:
        results = [result for result in selectors.question_results(consultation) if not result.question.is_text]
        return render_to_string("consultations/_results.html", {"results": results}) if results else ""

    return _fragment(consultation, "results", render)


class ConsultationMixin(PortalPermissionMixin):
    """Loads ``self.consultation`` from the URL; 404 for anyone without ``object_permission``.

    The general permission (``permission_required``) sends visitors to sign in and officers
    without two-factor to set it up, before the object is even looked at.
    """

    object_permission = ""

    def dispatch(self, request, *args, **kwargs):
        if self.permission_required and not self.has_permission():
            return self.handle_no_permission()
        self.consultation = selectors.consultation_for(request.user, kwargs["pk"], self.object_permission)
        return View.dispatch(self, request, *args, **kwargs)

    def has_permission(self):
        return all(self.request.user.has_perm(perm) for perm in self.get_permission_required())

    def get_permission_required(self):
        return [self.permission_required] if self.permission_required else []

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "consultation": self.consultation}


# --- Public pages --------------------------------------------------------------------------------


class ConsultationListView(TemplateView):
    template_name = "consultations/consultation_list.html"
    # First pages with known filters (any organisation) are kept as fragments: a bounded set. A
    # consultation opens or closes with the clock alone: this bounds how late the list shows it.
    CACHED_SECONDS = 60

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = {
            "phase": self.request.GET.get("phase", ""),
            "organisation": self.request.GET.get("organisation", ""),
            "topic": self.request.GET.get("topic", ""),
        }

        def render() -> str:
            return render_to_string(
                "consultations/_consultation_list_content.html", self.list_context(filters), request=self.request
            )

        cacheable = (
            self.request.GET.get("page", "1") == "1"
            and set(self.request.GET) <= {*filters, "page"}
            and filters["phase"] in ("", *Phase.values)
            and filters["topic"] in ("", *Topic.values)
            and filters["organisation"] == ""
        )
        if cacheable:
            key = f"consultations:list:{filters['phase']}:{filters['topic']}"
            context["content"] = fragments.render(key, render, source="consultations", timeout=self.CACHED_SECONDS)
        else:
            context["content"] = render()
        return context

    def list_context(self, filters: dict) -> dict:
        now = timezone.now()
        consultations = selectors.public_consultations(**filters, now=now)
        page = Paginator(consultations, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = {key: value for key, value in filters.items() if value}
        return {
            "page": page,
            "now": now,
            "filters": filters,
            "query": urlencode(query),
            "phases": [(p.value, p.label) for p in (Phase.OPEN, Phase.UPCOMING, Phase.CLOSED, Phase.WITHDRAWN)],
            "organisations": Organisation.objects.exclude(kind=Organisation.Kind.FORUM)
            .filter(consultations__status__in=["approved", "withdrawn"])
            .distinct(),
            "topics": Topic.choices,
        }


class ConsultationDetailView(TemplateView):
    template_name = "consultations/consultation_detail.html"
    # A visitor's page (no account, no answers kept in their session) is the same for every visitor:
    # its title and content come from the cache in one query. A consultation opens and closes with
    # the clock alone: this bounds how late a visitor's page shows it.
    VISITOR_SECONDS = 60

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk = kwargs["pk"]
        if self.request.user.is_authenticated or self.request.session.get(session_key(Consultation(pk=pk))):
            context.update(self.page_context(pk))
            return context

        @functools.cache
        def page_context() -> dict:
            return self.page_context(pk)  # a 404 here is raised, and nothing is kept

        title, content = fragments.render_many(
            [
                fragments.Fragment(
                    f"consultations:{pk}:visitor:title",
                    "consultations",
                    lambda: escape(page_context()["consultation"].title),
                    self.VISITOR_SECONDS,
                ),
                fragments.Fragment(
                    f"consultations:{pk}:visitor:content",
                    "consultations",
                    lambda: render_to_string(
                        "consultations/_consultation_detail_content.html", page_context(), request=self.request
                    ),
                    self.VISITOR_SECONDS,
                ),
            ]
        )
        context.update(title=title, content=content)
        return context

    def page_context(self, pk: int) -> dict:
        consultation = selectors.consultation_for(self.request.user, pk, "consultations.view_consultation")
        now = timezone.now()
        context = {
            "consultation": consultation,
            "phase": consultation.phase(now),
            "now": now,
            "response": selectors.response_of(
                consultation,
                user=self.request.user,
                session_response_id=self.request.session.get(session_key(consultation)),
            ),
        }
        if consultation.is_local_offer:
            context["comments"] = selectors.local_offer_comments(
                consultation, moderation=LocalOfferComment.Moderation.PUBLISHABLE
            )
        # What every reader sees the same: from the cache, in one query, while nothing has changed.
        wanted = {
            "history": _fragment(
                consultation,
                "history",
                lambda: render_to_string(
                    "consultations/_history.html",
                    {"history": selectors.history_of(consultation), "show_people": False},
                ),
            )
        }
        if context["phase"] == Phase.CLOSED:
            wanted["reply"] = _fragment(consultation, "reply", lambda: _reply_html(consultation))
            if not consultation.is_local_offer:
                wanted["answer_count"] = _answer_count(consultation)
            if consultation.results_released:
                wanted["results"] = _results(consultation)
        html = dict(zip(wanted, fragments.render_many(list(wanted.values())), strict=True))
        context.update(history_html=html["history"], reply_html=html.get("reply", ""), results=html.get("results"))
        if context["phase"] == Phase.CLOSED:
            if consultation.is_local_offer:
                context["answer_count"] = consultation.local_offer_comments.count()
            else:
                context["answer_count"] = int(html["answer_count"])
        return context


def _reply_html(consultation) -> str:
    """The published "You said, we did" as HTML; empty while there is none."""
    reply = selectors.published_reply(consultation)
    return render_to_string("consultations/_reply.html", {"reply": reply}) if reply else ""


class AccountabilityView(TemplateView):
    """Public: how every organisation, or one, answers the families it consulted."""

    template_name = "consultations/accountability.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = None
        if "slug" in kwargs:
            organisation = get_object_or_404(
                Organisation.objects.exclude(kind=Organisation.Kind.FORUM), slug=kwargs["slug"]
            )

        def render() -> str:
            rows = selectors.accountability(organisation=organisation)
            return render_to_string(
                "consultations/_accountability.html",
                {"organisation": organisation, "rows": rows, "total": selectors.total_row(rows)},
            )

        # Counting every consultation's answers and replies is kept as a fragment: rendered again
        # when anything in this app changes, and at least every ACCOUNTABILITY_SECONDS, since a
        # reply becomes overdue with the clock alone.
        key = f"consultations:accountability:{organisation.slug if organisation else ''}"
        context.update(
            organisation=organisation,
            tables=fragments.render(key, render, source="consultations", timeout=ACCOUNTABILITY_SECONDS),
        )
        return context


def session_key(consultation) -> str:
    return f"consultation-response-{consultation.pk}"


# --- Officers: drafting --------------------------------------------------------------------------


class ConsultationCreateView(PortalPermissionMixin, FormView):
    permission_required = "consultations.add_consultation"
    template_name = "consultations/consultation_form.html"
    form_class = ConsultationForm

    def get_form_kwargs(self):
        organisations = [
            m.organisation
            for m in self.request.user.memberships.select_related("organisation").exclude(organisation__kind="forum")
        ]
        return {**super().get_form_kwargs(), "organisations": organisations}

    def form_valid(self, form):
        organisation = form.cleaned_data.get("organisation") or form.organisations[0]
        consultation = services.create_consultation(
            organisation=organisation, by=self.request.user, **form.consultation_fields()
        )
        messages.success(self.request, "Your draft is saved. Now add the questions.")
        return redirect("consultations:consultation-manage", consultation.pk)


class ConsultationManageView(ConsultationMixin, TemplateView):
    """The officer's page for one consultation: its state, questions, next step and history."""

    permission_required = "consultations.add_consultation"
    object_permission = "consultations.manage_consultation"
    template_name = "consultations/consultation_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        consultation = self.consultation
        context.update(
            phase=consultation.phase(now),
            questions=list(consultation.questions.all()),
            problems=services.submission_problems(consultation),
            history=selectors.history_of(consultation),
            answer_count=selectors.submitted_count(consultation),
            next_step=next_step(consultation, now),
            can_change=self.request.user.has_perm("consultations.change_consultation", consultation),
        )
        return context


class ConsultationEditView(ConsultationMixin, FormView):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.change_consultation"
    template_name = "consultations/consultation_form.html"
    form_class = ConsultationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.consultation}

    def form_valid(self, form):
        services.update_consultation(self.consultation, by=self.request.user, **form.consultation_fields())
        messages.success(self.request, "Your changes are saved.")
        return redirect("consultations:consultation-manage", self.consultation.pk)


class QuestionCreateView(ConsultationMixin, FormView):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.change_consultation"
    template_name = "consultations/question_form.html"
    form_class = QuestionForm

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.add_question(self.consultation, **fields)
        messages.success(self.request, "The question is added.")
        return redirect("consultations:consultation-manage", self.consultation.pk)


class QuestionMixin(ConsultationMixin):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.change_consultation"

    @property
    def question(self) -> Question:
        return get_object_or_404(Question, pk=self.kwargs["question"], consultation=self.consultation)


class QuestionEditView(QuestionMixin, FormView):
    template_name = "consultations/question_form.html"
    form_class = QuestionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.question}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_question(self.question, **fields)
        messages.success(self.request, "The question is saved.")
        return redirect("consultations:consultation-manage", self.consultation.pk)


class QuestionMoveView(QuestionMixin, View):
    def post(self, request, *args, **kwargs):
        services.move_question(self.question, up=request.POST.get("direction") == "up")
        return redirect(reverse("consultations:consultation-manage", args=[self.consultation.pk]) + "#questions")


class QuestionDeleteView(QuestionMixin, View):
    def post(self, request, *args, **kwargs):
        services.delete_question(self.question)
        messages.success(request, "The question is deleted.")
        return redirect("consultations:consultation-manage", self.consultation.pk)


class ConsultationPreviewView(ConsultationMixin, TemplateView):
    """Every page of questions exactly as a parent carer will see it, without saving anything."""

    permission_required = ""
    object_permission = "consultations.view_consultation"
    template_name = "consultations/consultation_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pages = question_pages(list(self.consultation.questions.all()))
        context["forms"] = [AnswerForm(questions=page, prefix=f"page{number}") for number, page in enumerate(pages, 1)]
        return context


class ConsultationSubmitView(ConsultationMixin, View):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.change_consultation"

    def post(self, request, *args, **kwargs):
        try:
            services.submit_for_review(self.consultation, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("consultations:consultation-manage", self.consultation.pk)
        messages.success(request, "Sent to the forum for review. We will tell you what they decide here.")
        return redirect("consultations:consultation-manage", self.consultation.pk)


# --- Forum staff: review -------------------------------------------------------------------------


class ReviewQueueView(PortalPermissionMixin, TemplateView):
    permission_required = "consultations.view_review_queue"
    template_name = "consultations/review_queue.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        live = selectors.public_consultations(now=now).filter(status="approved", closes_at__gt=now)
        return {
            **super().get_context_data(**kwargs),
            "queue": selectors.review_queue(),
            "live": live,
            "local_offer_rounds": selectors.local_offer_rounds_to_moderate(),
            "now": now,
        }


class ConsultationReviewView(ConsultationMixin, FormView):
    permission_required = "consultations.view_review_queue"
    object_permission = "consultations.review_consultation"
    template_name = "consultations/consultation_review.html"
    form_class = ReviewForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["questions"] = list(self.consultation.questions.all())
        context["history"] = selectors.history_of(self.consultation)
        return context

    def form_valid(self, form):
        if form.cleaned_data["decision"] == "approve":
            services.approve_consultation(self.consultation, by=self.request.user)
            messages.success(self.request, f"“{self.consultation.title}” is approved. It opens on its opening date.")
        else:
            services.return_consultation(
                self.consultation, by=self.request.user, comments=form.cleaned_data["comments"]
            )
            messages.success(self.request, f"“{self.consultation.title}” is sent back with your comments.")
        return redirect("consultations:review-queue")


class ConsultationWithdrawView(ConsultationMixin, FormView):
    permission_required = "consultations.view_review_queue"
    object_permission = "consultations.withdraw_consultation"
    template_name = "consultations/consultation_withdraw.html"
    form_class = WithdrawForm

    def form_valid(self, form):
        try:
            services.withdraw_consultation(self.consultation, by=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            # It closed while the form was open (or a forum admin reached a closed one).
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, "The consultation is withdrawn. The reason is shown on its page.")
        return redirect(self.consultation.get_absolute_url())


class ConsultationExtendView(ConsultationMixin, FormView):
    permission_required = "people.view_dashboard"  # officers and forum staff, signed in with two factors
    object_permission = "consultations.extend_consultation"
    template_name = "consultations/consultation_extend.html"
    form_class = ExtendForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consultation": self.consultation}

    def form_valid(self, form):
        try:
            services.extend_consultation(
                self.consultation, closes_at=form.closes_at(), reason=form.cleaned_data["reason"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, "The consultation is extended. The new date and the reason are on its page.")
        return redirect(self.consultation.get_absolute_url())


# --- Local Offer feedback ------------------------------------------------------------------------


class LocalOfferStartView(PortalPermissionMixin, FormView):
    permission_required = "consultations.view_review_queue"
    template_name = "consultations/local_offer_start.html"
    form_class = LocalOfferRoundForm

    def form_valid(self, form):
        try:
            consultation = services.start_local_offer_round(
                organisation=form.cleaned_data["organisation"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error("organisation", error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, "Local Offer feedback is open for a year.")
        return redirect(consultation.get_absolute_url())


class LocalOfferCommentView(FormView):
    """Anyone may comment on the Local Offer while a round is open, with or without an account."""

    template_name = "consultations/local_offer_comment.html"
    form_class = LocalOfferCommentForm

    def dispatch(self, request, *args, **kwargs):
        self.consultation = selectors.consultation_for(request.user, kwargs["pk"], "consultations.view_consultation")
        if not request.user.has_perm("consultations.comment_local_offer", self.consultation):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "consultation": self.consultation}

    def form_valid(self, form):
        user = self.request.user if self.request.user.is_authenticated else None
        services.add_local_offer_comment(self.consultation, user=user, **form.cleaned_data)
        messages.success(self.request, "Thank you. The forum reads every comment before it is passed on.")
        return redirect(self.consultation.get_absolute_url())


class ModerationView(ConsultationMixin, TemplateView):
    permission_required = "consultations.view_review_queue"
    object_permission = "consultations.moderate_local_offer"
    template_name = "consultations/local_offer_moderate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        pending = selectors.local_offer_comments(self.consultation, moderation=LocalOfferComment.Moderation.PENDING)
        context["forms"] = [
            bound if bound is not None and bound.comment.pk == comment.pk else ModerationForm(comment=comment)
            for comment in pending
        ]
        context["decided"] = self.consultation.local_offer_comments.exclude(
            moderation=LocalOfferComment.Moderation.PENDING
        ).select_related("moderated_by")
        return context

    def post(self, request, *args, **kwargs):
        comment_id = request.POST.get("comment", "")
        if not comment_id.isdecimal():
            raise Http404("No such comment")
        comment = get_object_or_404(LocalOfferComment, pk=comment_id, consultation=self.consultation)
        form = ModerationForm(request.POST, comment=comment)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(bound=form))
        services.moderate_comment(
            comment, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(request, "The decision is saved.")
        return redirect("consultations:local-offer-moderate", self.consultation.pk)


# --- Answering -----------------------------------------------------------------------------------


class AnswerMixin:
    """Shared by the answering pages. Members answer once (their response is theirs by account);
    visitors keep their response's id in the session, so they can come back on the same device."""

    def dispatch(self, request, *args, **kwargs):
        self.consultation = selectors.consultation_for(request.user, kwargs["pk"], "consultations.view_consultation")
        phase = self.consultation.phase()
        if self.consultation.is_local_offer:
            return redirect("consultations:local-offer-comment", self.consultation.pk)
        if not request.user.has_perm("consultations.answer_consultation", self.consultation):
            if phase == Phase.CLOSED and request.method == "POST":
                return self.after_closing(request)
            if phase == Phase.OPEN and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if phase == Phase.OPEN:
                messages.info(request, "Join the forum to answer. It is free and takes a minute.")
                return redirect("people:join")
            messages.info(request, "This consultation is not open for answers.")
            return redirect(self.consultation.get_absolute_url())
        self.questions = list(self.consultation.questions.all())
        self.response = self.own_response()
        return super().dispatch(request, *args, **kwargs)

    def own_response(self) -> Response | None:
        return selectors.response_of(
            self.consultation,
            user=self.request.user,
            session_response_id=self.request.session.get(session_key(self.consultation)),
        )

    def start_response(self) -> Response:
        if self.response is None:
            user = self.request.user if self.request.user.is_authenticated else None
            self.response = services.start_response(self.consultation, user=user)
            if user is None:
                self.request.session[session_key(self.consultation)] = self.response.pk
        return self.response

    def after_closing(self, request):
        """A form posted after closing is not sent. Answers already sent stay exactly as sent;
        otherwise what was typed on the posted page (and only that page: the others keep what
        was saved) is kept as a draft."""
        self.response = self.own_response()
        closed = "This consultation has closed, so your answers could not be sent."
        if self.response is not None and self.response.status == Response.Status.SUBMITTED:
            messages.error(request, f"{closed} The answers you sent before it closed stay as you sent them.")
            return redirect(self.consultation.get_absolute_url())
        posted = [q for q in self.consultation.questions.all() if f"question_{q.pk}" in request.POST]
        form = AnswerForm(request.POST, questions=posted)
        if posted and form.is_valid():
            services.save_answers(self.start_response(), answers=form.answers())
            closed += " We have kept what you wrote as a draft."
        messages.error(request, closed)
        return redirect(self.consultation.get_absolute_url())


class AnswerView(AnswerMixin, TemplateView):
    """One page of questions (one section). "Continue" checks the required ones; "Save and come
    back later" keeps whatever is there."""

    template_name = "consultations/answer_form.html"

    def page_number(self, pages) -> int:
        try:
            number = int(self.request.GET.get("page", 1))
        except ValueError:
            number = 1
        return min(max(number, 1), max(len(pages), 1))

    def get_form(self, data=None):
        pages = question_pages(self.questions)
        self.pages = pages
        self.number = self.page_number(pages)
        answers = selectors.answers_by_question(self.response) if self.response else {}
        return AnswerForm(data, questions=pages[self.number - 1] if pages else [], answers=answers)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        context.update(
            consultation=self.consultation,
            form=form,
            number=self.number,
            page_count=len(self.pages),
            section=self.pages[self.number - 1][0].section if self.pages else "",
            sent=self.is_sent(),
        )
        return context

    def is_sent(self) -> bool:
        return self.response is not None and self.response.status == Response.Status.SUBMITTED

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        # Answers already sent have no draft: a change passes the same checks as sending before
        # it is saved, so a required answer cannot be emptied by "save and come back later".
        sent = self.is_sent()
        if not form.is_valid() or (sent and not form.check_required()):
            return self.render_to_response(self.get_context_data(form=form))
        services.save_answers(self.start_response(), answers=form.answers())
        if "save" in request.POST and not sent:
            messages.success(
                request,
                "Your answers are saved. Come back to finish them before "
                f"{date_format(localtime(self.consultation.closes_at), 'j F Y')}."
                + ("" if request.user.is_authenticated else " Use this device and browser."),
            )
            return redirect(self.consultation.get_absolute_url())
        if not form.check_required():
            return self.render_to_response(self.get_context_data(form=form))
        if self.number < len(self.pages):
            return redirect(reverse("consultations:answer", args=[self.consultation.pk]) + f"?page={self.number + 1}")
        return redirect("consultations:answer-check", self.consultation.pk)


class AnswerCheckView(AnswerMixin, FormView):
    """Check the answers, choose what to share, and send."""

    template_name = "consultations/answer_check.html"
    form_class = SendAnswersForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "visitor": not self.request.user.is_authenticated}

    def get_initial(self):
        if self.response is None:
            return {}
        return {
            "share_name": self.response.share_name,
            "hear_back": self.response.hear_back,
            "email": self.response.email,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answers = selectors.answers_by_question(self.response) if self.response else {}
        pages = question_pages(self.questions)
        summary = []
        for number, page in enumerate(pages, 1):
            for question in page:
                labels = dict(question.options())
                given = [
                    answer.text or labels.get(answer.choice, answer.choice) for answer in answers.get(question.pk, [])
                ]
                summary.append((question, given, number))
        context.update(consultation=self.consultation, summary=summary, problems=kwargs.get("problems", []))
        return context

    def form_valid(self, form):
        response = self.start_response()
        try:
            services.submit_response(
                response,
                share_name=form.cleaned_data.get("share_name", False),
                hear_back=form.cleaned_data["hear_back"],
                email=form.cleaned_data.get("email", ""),
            )
        except services.ConsultationClosedError:
            messages.error(self.request, "This consultation has closed, so your answers could not be sent.")
            return redirect(self.consultation.get_absolute_url())
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(form=form, problems=error.messages))
        return redirect("consultations:answer-sent", self.consultation.pk)


class AnswerSentView(TemplateView):
    template_name = "consultations/answer_sent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consultation"] = selectors.consultation_for(
            self.request.user, kwargs["pk"], "consultations.view_consultation"
        )
        return context


# --- Officers: results ---------------------------------------------------------------------------


class ResultsView(ConsultationMixin, TemplateView):
    """An officer's results: counts, themes, the breakdown and the written answers.

    Counting 5,000 people's answers and sorting their written ones took most of the page's time
    (16 queries, 280 ms). Every part that is the same for each officer comes from the cache, in one
    query, while nothing in this app changes: the counts (shared with the public page), the themes,
    the form to add one, and the first pages of written answers without a search. Only known
    breakdowns, themes and the first pages are kept, so the cache holds a bounded set. The forms
    are kept with a stand-in for the CSRF token; each request puts its own in. The breakdown is
    counted live: a withdrawn consent must leave it at once.
    """

    permission_required = "consultations.add_consultation"
    object_permission = "consultations.view_results"
    template_name = "consultations/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation = self.consultation
        search = self.request.GET.get("q", "").strip()
        try:
            theme = int(self.request.GET.get("theme", ""))
        except ValueError:
            theme = None
        by = self.request.GET.get("by", "")
        page_number = self.request.GET.get("page", "1")
        theme_form = kwargs.get("theme_form")
        cacheable = (
            not search
            and theme_form is None
            and (by == "" or by in selectors.BREAKDOWNS)
            and page_number.isdecimal()
            and 1 <= int(page_number) <= CACHED_ANSWER_PAGES
            and set(self.request.GET) <= {"q", "theme", "by", "page"}
        )
        loaded = {}

        def themes() -> list:
            if "themes" not in loaded:
                loaded["themes"] = list(selectors.theme_counts(consultation))
                if cacheable and theme is not None and theme not in {item.pk for item in loaded["themes"]}:
                    raise fragments.NotKept  # not a theme of this consultation: shown, never kept
            return loaded["themes"]

        def themes_html() -> str:
            return render_to_string(
                "consultations/_themes.html",
                {
                    "themes": themes(),
                    "theme": theme,
                    "raised_in": "comment" if consultation.is_local_offer else "answer",
                },
                request=self.request,
            )

        def theme_form_html() -> str:
            form = theme_form or ThemeForm()
            form.helper.form_action = reverse("consultations:theme-create", args=[consultation.pk])
            return render_crispy_form(form, context={"csrf_token": CSRF_STAND_IN})

        def text_answers_html() -> str:
            return self.text_answers_html(themes(), search=search, theme=theme, by=by, cacheable=cacheable)

        counts = [_answer_count(consultation), _results(consultation)]
        parts = {
            f"themes:{theme or ''}:{by}": themes_html,
            "theme-form": theme_form_html,
            f"text-answers:{theme or ''}:{by}:{page_number}": text_answers_html,
        }
        html = None
        if cacheable:
            try:
                html = fragments.render_many(counts + [_fragment(consultation, k, r) for k, r in parts.items()])
            except fragments.NotKept:
                cacheable = False
        if html is None:
            html = fragments.render_many(counts) + [render() for render in parts.values()]
        answer_count, results, themes_part, form_part, answers_part = html
        token = get_token(self.request)
        context.update(
            answer_count=int(answer_count),
            results=results,
            themes_html=themes_part,
            theme_form_html=mark_safe(form_part.replace(CSRF_STAND_IN, token)),  # noqa: S308 - our own template
            text_answers=mark_safe(answers_part.replace(CSRF_STAND_IN, token)),  # noqa: S308 - our own template
            search=search,
            theme=theme,
            by=by,
            breakdown=selectors.breakdown(consultation, by),
            breakdown_choices=[(key, value[0]) for key, value in selectors.BREAKDOWNS.items()],
            theme_form=theme_form,  # only a form with errors feeds the error summary
        )
        if self.consultation.is_local_offer:
            context["comments"] = selectors.local_offer_comments(
                self.consultation, moderation=LocalOfferComment.Moderation.PUBLISHABLE
            ).prefetch_related("themes")
            context["themes"] = themes()  # each comment's own tags are not cached
        return context

    def text_answers_html(self, themes: list, *, search, theme, by, cacheable) -> str:
        """A page of written answers, each with its form to tag themes, and the links to the
        other pages. The forms carry the CSRF stand-in."""
        answers = selectors.text_answers(self.consultation, search=search, theme=theme)
        page = Paginator(answers, TEXT_ANSWERS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        if cacheable:
            # Where tagging comes back to: this page, as every officer who shares it asked for it.
            params = [("theme", theme), ("by", by), ("page", page.number)]
            query = urlencode([(name, value) for name, value in params if value])
            back = f"{reverse('consultations:results', args=[self.consultation.pk])}?{query}"
        else:
            back = self.request.get_full_path()
        cards = render_to_string(
            "consultations/_text_answers.html",
            {
                "consultation": self.consultation,
                "page": page,
                "themes": themes,
                "search": search,
                "theme": theme,
                "next": back,
                "csrf_token": CSRF_STAND_IN,
            },
        )
        pages = render_to_string(
            "components/pagination.html",
            {"page": page, "label": "written answers", "anchor": "#answers"},
            request=self.request,
        )
        return cards + pages


class ThemeCreateView(ResultsView):
    def post(self, request, *args, **kwargs):
        form = ThemeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(theme_form=form))
        services.create_theme(self.consultation, name=form.cleaned_data["name"])
        messages.success(request, f"The theme “{form.cleaned_data['name']}” is added.")
        return redirect(reverse("consultations:results", args=[self.consultation.pk]) + "#themes")


class ReleaseResultsView(ConsultationMixin, View):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.view_results"

    def post(self, request, *args, **kwargs):
        try:
            services.release_results(self.consultation, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("consultations:results", self.consultation.pk)
        messages.success(request, "The counts per choice are now on the public page.")
        return redirect("consultations:results", self.consultation.pk)


class AnswerTagView(ConsultationMixin, View):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.view_results"

    def post(self, request, *args, **kwargs):
        answer = get_object_or_404(Answer, pk=kwargs["answer"], question__consultation=self.consultation)
        # Theme ids come from the page's checkboxes; anything else is not a theme of this consultation.
        chosen = [value for value in request.POST.getlist("themes") if value.isdecimal()]
        themes = list(self.consultation.themes.filter(pk__in=chosen))
        services.tag_answer(answer, themes=themes)
        messages.success(request, "The themes of the answer are saved.")
        back = request.POST.get("next", "")
        if not back.startswith(reverse("consultations:results", args=[self.consultation.pk])):
            back = reverse("consultations:results", args=[self.consultation.pk])
        return redirect(f"{back}#answer-{answer.pk}")


class CommentTagView(ConsultationMixin, View):
    """The council's officers tag a publishable Local Offer comment with themes."""

    permission_required = "consultations.add_consultation"
    object_permission = "consultations.view_results"

    def post(self, request, *args, **kwargs):
        comment = get_object_or_404(
            LocalOfferComment,
            pk=kwargs["comment"],
            consultation=self.consultation,
            moderation=LocalOfferComment.Moderation.PUBLISHABLE,
        )
        chosen = [value for value in request.POST.getlist("themes") if value.isdecimal()]
        services.tag_comment(comment, themes=list(self.consultation.themes.filter(pk__in=chosen)))
        messages.success(request, "The themes of the comment are saved.")
        return redirect(reverse("consultations:results", args=[self.consultation.pk]) + f"#comment-{comment.pk}")


class Echo:
    """A file-like object whose write returns the line, for streaming the CSV writer's output."""

    def write(self, value):
        return value


class ExportView(ConsultationMixin, View):
    """All sent answers as CSV or XLSX; the download is recorded in the audit trail."""

    permission_required = "consultations.add_consultation"
    object_permission = "consultations.view_results"

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in ("csv", "xlsx"):
            raise Http404
        record_event("consultation.answers_exported", actor=request.user, obj=self.consultation, format=fmt)
        rows = ([spreadsheet_safe(value) for value in row] for row in selectors.export_rows(self.consultation))
        filename = f"consultation-{self.consultation.pk}-answers.{fmt}"
        if fmt == "csv":
            writer = csv.writer(Echo())
            response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return FileResponse(
            xlsx_file(rows),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def xlsx_file(rows):
    """A workbook written row by row in openpyxl's write-only mode, into a temporary file that
    moves to disk past a few megabytes; FileResponse then streams it out in chunks. (An XLSX file
    is a zip whose directory comes last, so it cannot be sent before it is finished.)"""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Answers")
    for row in rows:
        sheet.append(row)
    output = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return output


# --- Officers: "You said, we did" ----------------------------------------------------------------


class ReplyMixin(ConsultationMixin):
    permission_required = "consultations.add_consultation"
    object_permission = "consultations.reply_consultation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reply"] = services.reply_for(self.consultation)
        return context


class ReplyEditView(ReplyMixin, FormView):
    template_name = "consultations/reply_form.html"
    form_class = ReplySummaryForm

    def get_initial(self):
        return {"summary": services.reply_for(self.consultation).summary}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = selectors.reply_items(context["reply"])
        context["updates"] = context["reply"].updates.filter(item__isnull=True)
        return context

    def form_valid(self, form):
        reply = services.reply_for(self.consultation)
        services.save_reply_summary(reply, summary=form.cleaned_data["summary"], by=self.request.user)
        messages.success(self.request, "The introduction is saved.")
        return redirect("consultations:reply-edit", self.consultation.pk)


class ReplyItemView(ReplyMixin, FormView):
    template_name = "consultations/reply_item_form.html"
    form_class = ReplyItemForm

    def get_item(self) -> ReplyItem | None:
        if "item" not in self.kwargs:
            return None
        return get_object_or_404(ReplyItem, pk=self.kwargs["item"], reply__consultation=self.consultation)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consultation": self.consultation, "instance": self.get_item()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        context["item"] = item
        if item and context["reply"].is_published and item.outcome == ReplyItem.Outcome.WILL_CHANGE:
            context["update_form"] = kwargs.get("update_form") or ProgressUpdateForm()
            context["update_form"].helper.form_action = reverse(
                "consultations:reply-item-update", args=[self.consultation.pk, item.pk]
            )
        return context

    def form_valid(self, form):
        reply = services.reply_for(self.consultation)
        services.save_reply_item(reply, by=self.request.user, item=self.get_item(), **form.item_fields())
        messages.success(self.request, "The item is saved.")
        return redirect("consultations:reply-edit", self.consultation.pk)


class ProgressUpdateView(ReplyItemView):
    def post(self, request, *args, **kwargs):
        item = self.get_item()
        form = ProgressUpdateForm(request.POST)
        if not form.is_valid():
            # The item's own form stays as saved: only the update was posted here.
            item_form = ReplyItemForm(consultation=self.consultation, instance=item)
            return self.render_to_response(self.get_context_data(form=item_form, update_form=form))
        services.add_progress_update(item, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, "The progress update is published.")
        return redirect("consultations:reply-edit", self.consultation.pk)


class ReplyPublishView(ReplyMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            services.publish_reply(services.reply_for(self.consultation), by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("consultations:reply-edit", self.consultation.pk)
        messages.success(request, "“You said, we did” is published. Everyone who asked to hear back gets an email.")
        return redirect(self.consultation.get_absolute_url())
