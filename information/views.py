"""Pages of the first rung. Views are thin: check, call one service or selector, show."""

import functools
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.html import escape
from django.views import View
from django.views.generic import FormView, TemplateView

from forum_portal import fragments
from forum_portal.people.models import NeedCategory
from forum_portal.people.views import PortalPermissionMixin

from . import selectors, services
from .forms import ArticleForm, AttachmentForm, DirectoryFilterForm, FollowTopicsForm, SearchForm, TopicForm
from .models import Article, Attachment, Audience, Topic

PAGE_SIZE = 20
# Public pages keep their main content as a cached fragment (forum_portal.fragments), rendered again
# as soon as anything in this app changes; this bounds how long one lives in any case.
CONTENT_SECONDS = 600


def _cached(key: str, render) -> str:
    return fragments.render(f"information:{key}", render, source="information", timeout=CONTENT_SECONDS)


def _first_page(request, allowed: set[str]) -> bool:
    """Only first pages with known filters are cached, so the cache holds a bounded set of pages."""
    return request.GET.get("page", "1") == "1" and set(request.GET) <= allowed | {"page"}


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters, kept in the links to other pages.
    params = request.GET.copy()
    params.pop("page", None)
    page.querystring = params.urlencode()
    return page


class InformationIndexView(TemplateView):
    """The rung's front page: search, topics, the latest guides and news, the directory."""

    template_name = "information/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = selectors.topics_with_counts()
        context["latest"] = selectors.latest_articles(limit=6)
        context["search_form"] = SearchForm()
        return context


class ArticleListView(TemplateView):
    """Published guides or news, filtered by topic and audience."""

    kind = Article.Kind.GUIDE
    template_name = "information/article_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.request.GET.get("topic", "")
        topic = Topic.objects.filter(slug=slug).first() if slug else None
        audience = self.request.GET.get("audience", "")
        if audience not in Audience.values:
            audience = ""
        context.update(
            kind=self.kind,
            heading="Guides" if self.kind == Article.Kind.GUIDE else "News",
            form_action=self.request.path,
        )

        def list_context() -> dict:
            page = _page(self.request, selectors.published_articles(kind=self.kind, topic=topic, audience=audience))
            return {
                "page_obj": page,
                "topics": Topic.objects.order_by("name"),
                "audiences": Audience.choices,
                "chosen_topic": topic,
                "chosen_audience": audience,
            }

        if _first_page(self.request, {"topic", "audience"}):
            key = f"{self.kind}-list:{topic.pk if topic else ''}:{audience}"

            def render():
                rows = list_context()
                # Links to further pages carry the filters as understood, the same for all who share the key.
                filters = {"topic": topic.slug if topic else "", "audience": audience}
                rows["page_obj"].querystring = urlencode({name: value for name, value in filters.items() if value})
                return render_to_string("information/_article_list_content.html", {**context, **rows})

            context["content"] = _cached(key, render)
        else:
            context.update(list_context())
        return context


class ArticleDetailView(TemplateView):
    """A guide or news post; staff also see drafts here, which is their preview."""

    kind = Article.Kind.GUIDE
    template_name = "information/article_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        if self.request.user.is_authenticated:
            # Staff see their own controls on the page; signed-in pages are not cached.
            context.update(self.article_context(kwargs["slug"]))
            return context

        @functools.cache
        def article_context() -> dict:
            return self.article_context(kwargs["slug"])

        easy_read = self.request.GET.get("version") == "easy-read"
        key = f"{self.kind}:{kwargs['slug']}:{'easy-read' if easy_read else 'standard'}"
        # Only published articles are rendered (anything else is a 404 and is not stored).
        title, content = fragments.render_many(
            [
                fragments.Fragment(
                    f"information:{key}:title",
                    "information",
                    lambda: escape(article_context()["article"].title),
                    CONTENT_SECONDS,
                ),
                fragments.Fragment(
                    f"information:{key}:content",
                    "information",
                    lambda: render_to_string(
                        "information/_article_detail_content.html", {**article_context(), "user": self.request.user}
                    ),
                    CONTENT_SECONDS,
                ),
            ]
        )
        context.update(article_title=title, content=content)
        return context

    def article_context(self, slug: str) -> dict:
        article = selectors.article_for_reading(kind=self.kind, slug=slug)
        # A draft does not exist for people who may not see it.
        if article is None or not self.request.user.has_perm("information.view_article", article):
            raise Http404
        easy_read = self.request.GET.get("version") == "easy-read" and bool(article.easy_read_html)
        return {"article": article, "easy_read": easy_read}


class TopicDetailView(TemplateView):
    template_name = "information/topic_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = get_object_or_404(Topic, slug=kwargs["slug"])
        context["topic"] = topic
        context["page_obj"] = _page(self.request, selectors.published_articles(topic=topic))
        user = self.request.user
        context["following"] = user.is_authenticated and topic.pk in selectors.followed_topic_ids(user)
        return context


# Searches are kept in a fixed number of slots whatever people type, so the cache holds a bounded
# set: each search takes the slot its words fall in, and the last one there is served from it.
SEARCH_SLOTS = 256


class SearchView(TemplateView):
    """Search results, cached by what was asked: ranking and highlighting 700 matching guides took
    20 ms a search; the same search again is one query while nothing in this app changes."""

    template_name = "information/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        context["query"] = query
        asked = {name: self.request.GET.get(name, "") for name in ("q", "topic", "audience")}
        if not query.strip() or set(self.request.GET) - set(asked):
            context.update(self.search_context())
            return context
        variant = urlencode(asked)
        slot = int(hashlib.sha256(variant.encode()).hexdigest(), 16) % SEARCH_SLOTS
        loaded = {}

        def render() -> str:
            loaded.update(self.search_context())
            if loaded["form"].errors:
                raise fragments.NotKept  # a topic not in the list: shown beside the filter, not stored
            return render_to_string("information/_search_content.html", loaded)

        try:
            context["content"] = fragments.render_many(
                [fragments.Fragment(f"information:search:{slot}", "information", render, CONTENT_SECONDS, variant)]
            )[0]
        except fragments.NotKept:
            context.update(loaded)
        return context

    def search_context(self) -> dict:
        form = SearchForm(self.request.GET or None)
        results = None
        if form.is_valid() and form.cleaned_data["q"].strip():
            data = form.cleaned_data
            results = selectors.search(data["q"], topic=data["topic"], audience=data["audience"])
        return {"form": form, "results": results, "query": self.request.GET.get("q", "")}


class AttachmentDownloadView(View):
    """Files are served through here, so a draft's files stay as private as the draft."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk)
        if not request.user.has_perm("information.view_article", attachment.article):
            raise Http404
        # Always a download, never shown in the browser from our address: a file that is really a
        # web page must not run as one of ours (with X-Content-Type-Options: nosniff, as on every answer).
        return FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1]
        )


class FollowTopicsView(PortalPermissionMixin, FormView):
    permission_required = "information.follow_topics"
    template_name = "information/topics_follow.html"
    form_class = FollowTopicsForm

    def get_initial(self):
        return {"topics": list(selectors.followed_topic_ids(self.request.user))}

    def form_valid(self, form):
        services.set_followed_topics(self.request.user, topics=form.cleaned_data["topics"])
        count = len(form.cleaned_data["topics"])
        if count:
            plural = "s" if count != 1 else ""
            messages.success(self.request, f"You follow {count} topic{plural}. We will email you weekly.")
        else:
            messages.success(self.request, "You follow no topics. We will not send you a digest.")
        return redirect("information:topics-follow")


# --- Staff pages ---------------------------------------------------------------------------------


class ManageArticlesView(PortalPermissionMixin, TemplateView):
    permission_required = "information.change_article"
    template_name = "information/article_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = _page(self.request, selectors.articles_for_staff())
        return context


class ArticleCreateView(PortalPermissionMixin, FormView):
    permission_required = "information.add_article"
    template_name = "information/article_form.html"
    form_class = ArticleForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in Article.Kind.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"owner": self.request.user, "audience": Audience.PARENTS}

    def get_context_data(self, **kwargs):
        kind = Article.Kind(self.kwargs["kind"])
        return super().get_context_data(heading=f"New {kind.label.lower()}", **kwargs)

    def form_valid(self, form):
        article = services.create_article(kind=self.kwargs["kind"], by=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Saved as a draft. Check the preview, then publish it.")
        return redirect(article.get_absolute_url())


class ArticleEditView(PortalPermissionMixin, FormView):
    permission_required = "information.change_article"
    template_name = "information/article_form.html"
    form_class = ArticleForm

    def get_article(self):
        if not hasattr(self, "_article"):
            self._article = get_object_or_404(Article, pk=self.kwargs["pk"])
        return self._article

    def get_permission_object(self):
        return self.get_article()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_article()}

    def get_context_data(self, **kwargs):
        article = self.get_article()
        return super().get_context_data(
            heading=f"Edit {article.get_kind_display().lower()}",
            article=article,
            revisions=article.revisions.select_related("by")[:10],
            attachment_form=AttachmentForm(),
            **kwargs,
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        topics = data.pop("topics")
        article = services.update_article(self.get_article(), by=self.request.user, topics=topics, **data)
        messages.success(self.request, "Your changes are saved.")
        return redirect(article.get_absolute_url())


class ArticlePublishView(PortalPermissionMixin, View):
    permission_required = "information.publish_article"
    publish = True

    def get_permission_object(self):
        if not hasattr(self, "_article"):
            self._article = get_object_or_404(Article, pk=self.kwargs["pk"])
        return self._article

    def post(self, request, pk):
        article = self.get_permission_object()
        if self.publish:
            services.publish_article(article, by=request.user)
            messages.success(request, f"“{article.title}” is published.")
        else:
            services.unpublish_article(article, by=request.user)
            messages.success(request, f"“{article.title}” is back to draft. Only staff can see it.")
        return redirect(article.get_absolute_url())


class AttachmentCreateView(PortalPermissionMixin, FormView):
    permission_required = "information.change_article"
    template_name = "information/attachment_form.html"
    form_class = AttachmentForm

    def get_permission_object(self):
        if not hasattr(self, "_article"):
            self._article = get_object_or_404(Article, pk=self.kwargs["pk"])
        return self._article

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            article=self.get_permission_object(), max_mb=settings.INFORMATION_ATTACHMENT_MAX_MB, **kwargs
        )

    def form_valid(self, form):
        article = self.get_permission_object()
        services.add_attachment(article, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, "The file is added.")
        return redirect("information:article-edit", pk=article.pk)


class ManageTopicsView(PortalPermissionMixin, FormView):
    """The topics, and a form to add one."""

    permission_required = "information.change_topic"
    template_name = "information/topic_manage.html"
    form_class = TopicForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(topics=selectors.topics_with_counts(), **kwargs)

    def form_valid(self, form):
        topic = services.save_topic(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"The topic “{topic.name}” is added.")
        return redirect("information:topic-manage")


class TopicEditView(PortalPermissionMixin, FormView):
    permission_required = "information.change_topic"
    template_name = "information/topic_form.html"
    form_class = TopicForm

    def get_topic(self):
        if not hasattr(self, "_topic"):
            self._topic = get_object_or_404(Topic, pk=self.kwargs["pk"])
        return self._topic

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_topic()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.get_topic(), **kwargs)

    def form_valid(self, form):
        services.save_topic(self.get_topic(), by=self.request.user, **form.cleaned_data)
        messages.success(self.request, "The topic is saved.")
        return redirect("information:topic-manage")


# --- The services directory ----------------------------------------------------------------------


class ServiceListView(TemplateView):
    template_name = "information/service_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need = self.request.GET.get("need", "")
        if _first_page(self.request, {"need"}) and need in ["", *NeedCategory.values]:
            context["content"] = _cached(
                f"directory:{need}",
                lambda: render_to_string("information/_service_list_content.html", self.directory_context()),
            )
        else:
            context.update(self.directory_context())
        return context

    def directory_context(self) -> dict:
        form = DirectoryFilterForm(self.request.GET or None, areas=selectors.service_areas())
        filters = form.cleaned_data if form.is_valid() else {}
        services_found = selectors.services_for_directory(
            need=filters.get("need", ""), age=filters.get("age"), area=filters.get("area", "")
        )
        return {"form": form, "page_obj": _page(self.request, services_found)}


class ServiceDetailView(TemplateView):
    template_name = "information/service_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = selectors.service_for_reading(kwargs["pk"])
        if service is None:
            raise Http404
        context["service"] = service
        return context
