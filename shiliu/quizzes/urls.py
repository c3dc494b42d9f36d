"""Mounted at the site root: staff pages under ``quizzes/``, the residents' public pages under ``q/``."""

from django.urls import path

from . import public, views

app_name = "quizzes"
urlpatterns = [
    path("quizzes/", views.QuizListView.as_view(), name="quiz_list"),
    path("quizzes/new/", views.QuizCreateView.as_view(), name="quiz_create"),
    path("quizzes/<int:pk>/", views.QuizDetailView.as_view(), name="quiz_detail"),
    path("quizzes/<int:pk>/edit/", views.QuizEditView.as_view(), name="quiz_edit"),
    path("quizzes/<int:pk>/open/", views.QuizStatusView.as_view(slug="open"), name="quiz_open"),
    path("quizzes/<int:pk>/close/", views.QuizStatusView.as_view(slug="close"), name="quiz_close"),
    path("quizzes/<int:pk>/reopen/", views.QuizStatusView.as_view(slug="reopen"), name="quiz_reopen"),
    path("quizzes/<int:pk>/questions/new/", views.QuestionCreateView.as_view(), name="question_create"),
    path("quizzes/questions/<int:pk>/edit/", views.QuestionEditView.as_view(), name="question_edit"),
    path("quizzes/questions/<int:pk>/delete/", views.QuestionDeleteView.as_view(), name="question_delete"),
    path("quizzes/responses/", views.ResponseListView.as_view(), name="response_list"),
    path("quizzes/responses/<int:pk>/", views.ResponseDetailView.as_view(), name="response_detail"),
    path("q/<str:token>/", public.public_take, name="public_take"),
    path("q/<str:token>/done/", public.public_done, name="public_done"),
]
