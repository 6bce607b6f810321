from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.ConsultationListView.as_view(), name="consultation-list"),
    path("new/", views.ConsultationCreateView.as_view(), name="consultation-create"),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("local-offer/new/", views.LocalOfferStartView.as_view(), name="local-offer-start"),
    path("<int:pk>/comment/", views.LocalOfferCommentView.as_view(), name="local-offer-comment"),
    path("<int:pk>/moderate/", views.ModerationView.as_view(), name="local-offer-moderate"),
    path("accountability/", views.AccountabilityView.as_view(), name="accountability"),
    path("accountability/<slug:slug>/", views.AccountabilityView.as_view(), name="accountability-organisation"),
    path("<int:pk>/", views.ConsultationDetailView.as_view(), name="consultation-detail"),
    path("<int:pk>/manage/", views.ConsultationManageView.as_view(), name="consultation-manage"),
    path("<int:pk>/edit/", views.ConsultationEditView.as_view(), name="consultation-edit"),
    path("<int:pk>/questions/new/", views.QuestionCreateView.as_view(), name="question-create"),
    path("<int:pk>/questions/<int:question>/", views.QuestionEditView.as_view(), name="question-edit"),
    path("<int:pk>/questions/<int:question>/move/", views.QuestionMoveView.as_view(), name="question-move"),
    path("<int:pk>/questions/<int:question>/delete/", views.QuestionDeleteView.as_view(), name="question-delete"),
    path("<int:pk>/preview/", views.ConsultationPreviewView.as_view(), name="consultation-preview"),
    path("<int:pk>/submit/", views.ConsultationSubmitView.as_view(), name="consultation-submit"),
    path("<int:pk>/review/", views.ConsultationReviewView.as_view(), name="consultation-review"),
    path("<int:pk>/withdraw/", views.ConsultationWithdrawView.as_view(), name="consultation-withdraw"),
    path("<int:pk>/extend/", views.ConsultationExtendView.as_view(), name="consultation-extend"),
    path("<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("<int:pk>/answer/check/", views.AnswerCheckView.as_view(), name="answer-check"),
    path("<int:pk>/answer/sent/", views.AnswerSentView.as_view(), name="answer-sent"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/results/themes/", views.ThemeCreateView.as_view(), name="theme-create"),
    path("<int:pk>/results/release/", views.ReleaseResultsView.as_view(), name="results-release"),
    path("<int:pk>/results/answers/<int:answer>/themes/", views.AnswerTagView.as_view(), name="answer-tag"),
    path("<int:pk>/results/comments/<int:comment>/themes/", views.CommentTagView.as_view(), name="comment-tag"),
    path("<int:pk>/results/export.<str:fmt>", views.ExportView.as_view(), name="export"),
    path("<int:pk>/reply/", views.ReplyEditView.as_view(), name="reply-edit"),
    path("<int:pk>/reply/items/new/", views.ReplyItemView.as_view(), name="reply-item-create"),
    path("<int:pk>/reply/items/<int:item>/", views.ReplyItemView.as_view(), name="reply-item-edit"),
    path("<int:pk>/reply/items/<int:item>/update/", views.ProgressUpdateView.as_view(), name="reply-item-update"),
    path("<int:pk>/reply/publish/", views.ReplyPublishView.as_view(), name="reply-publish"),
]
