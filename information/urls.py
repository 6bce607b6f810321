from django.urls import path

from . import views
from .models import Article

app_name = "information"

urlpatterns = [
    path("", views.InformationIndexView.as_view(), name="index"),
    path("guides/", views.ArticleListView.as_view(kind=Article.Kind.GUIDE), name="guide-list"),
    path("guides/<slug:slug>/", views.ArticleDetailView.as_view(kind=Article.Kind.GUIDE), name="guide-detail"),
    path("news/", views.ArticleListView.as_view(kind=Article.Kind.NEWS), name="news-list"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(kind=Article.Kind.NEWS), name="news-detail"),
    path("topics/follow/", views.FollowTopicsView.as_view(), name="topics-follow"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("files/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("services/", views.ServiceListView.as_view(), name="service-list"),
    path("services/<uuid:pk>/", views.ServiceDetailView.as_view(), name="service-detail"),
    path("manage/", views.ManageArticlesView.as_view(), name="article-manage"),
    path("manage/topics/", views.ManageTopicsView.as_view(), name="topic-manage"),
    path("manage/topics/<int:pk>/", views.TopicEditView.as_view(), name="topic-edit"),
    path("manage/new/<str:kind>/", views.ArticleCreateView.as_view(), name="article-create"),
    path("manage/<int:pk>/edit/", views.ArticleEditView.as_view(), name="article-edit"),
    path("manage/<int:pk>/files/", views.AttachmentCreateView.as_view(), name="attachment-create"),
    path("manage/<int:pk>/publish/", views.ArticlePublishView.as_view(publish=True), name="article-publish"),
    path("manage/<int:pk>/unpublish/", views.ArticlePublishView.as_view(publish=False), name="article-unpublish"),
]
