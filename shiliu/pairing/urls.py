from django.urls import path

from . import views

app_name = "pairing"
urlpatterns = [
    path("", views.PairingListView.as_view(), name="pairing_list"),
    path("new/", views.PairingCreateView.as_view(), name="pairing_create"),
    path("<int:pk>/", views.PairingDetailView.as_view(), name="pairing_detail"),
    path("<int:pk>/edit/", views.PairingEditView.as_view(), name="pairing_edit"),
    path("<int:pairing>/visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("<int:pairing>/funds/new/", views.FundCreateView.as_view(), name="fund_create"),
    path("<int:pairing>/projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("<int:pairing>/outcomes/new/", views.OutcomeCreateView.as_view(), name="outcome_create"),
    path("<int:pairing>/assessment/<int:year>/", views.AssessmentEditView.as_view(), name="assessment_edit"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("funds/", views.FundListView.as_view(), name="fund_list"),
    path("funds/<int:pk>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("funds/<int:pk>/edit/", views.FundEditView.as_view(), name="fund_edit"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/start/", views.ProjectStartView.as_view(), name="project_start"),
    path("projects/<int:pk>/complete/", views.ProjectCompleteView.as_view(), name="project_complete"),
    path("projects/<int:pk>/cancel/", views.ProjectCancelView.as_view(), name="project_cancel"),
    path("outcomes/", views.OutcomeListView.as_view(), name="outcome_list"),
    path("outcomes/<int:pk>/", views.OutcomeDetailView.as_view(), name="outcome_detail"),
    path("outcomes/<int:pk>/edit/", views.OutcomeEditView.as_view(), name="outcome_edit"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/submit/", views.AssessmentSubmitView.as_view(), name="assessment_submit"),
    path("rulebooks/", views.RulebookListView.as_view(), name="rulebook_list"),
    path("rulebooks/new/", views.RulebookCreateView.as_view(), name="rulebook_create"),
    path("rulebooks/<int:pk>/", views.RulebookDetailView.as_view(), name="rulebook_detail"),
    path("rulebooks/<int:pk>/edit/", views.RulebookEditView.as_view(), name="rulebook_edit"),
]
