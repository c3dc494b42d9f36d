from django.urls import path

from . import views

app_name = "honors"
urlpatterns = [
    path("candidates/", views.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/new/", views.CandidateCreateView.as_view(), name="candidate_create"),
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("candidates/<int:pk>/edit/", views.CandidateEditView.as_view(), name="candidate_edit"),
    path("candidates/<int:pk>/honours/new/", views.HonourCreateView.as_view(), name="honour_create"),
    path("candidates/<int:pk>/<slug:action>/", views.CandidateStageView.as_view(), name="candidate_stage"),
    path("honours/", views.HonourListView.as_view(), name="honour_list"),
]
