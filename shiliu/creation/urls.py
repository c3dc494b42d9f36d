from django.urls import path

from . import views

app_name = "creation"
urlpatterns = [
    # indicator systems
    path("systems/", views.SystemListView.as_view(), name="system_list"),
    path("systems/new/", views.SystemCreateView.as_view(), name="system_create"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/edit/", views.SystemEditView.as_view(), name="system_edit"),
    path("systems/<int:pk>/publish/", views.SystemPublishView.as_view(), name="system_publish"),
    path("systems/<int:pk>/retire/", views.SystemRetireView.as_view(), name="system_retire"),
    path("systems/<int:pk>/clone/", views.SystemCloneView.as_view(), name="system_clone"),
    path("systems/<int:pk>/mapping/", views.SystemMappingView.as_view(), name="system_mapping"),
    path("systems/<int:pk>/items/new/", views.ItemCreateView.as_view(), name="item_create"),
    path("systems/<int:pk>/veto-items/new/", views.VetoItemCreateView.as_view(), name="veto_item_create"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/move/", views.ItemMoveView.as_view(), name="item_move"),
    path("veto-items/<int:pk>/delete/", views.VetoItemDeleteView.as_view(), name="veto_item_delete"),
    # batches
    path("batches/", views.BatchListView.as_view(), name="batch_list"),
    path("batches/new/", views.BatchCreateView.as_view(), name="batch_create"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/edit/", views.BatchEditView.as_view(), name="batch_edit"),
    # candidates, their assessments and steps
    path("candidates/", views.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/new/", views.CandidateCreateView.as_view(), name="candidate_create"),
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("candidates/<int:pk>/gaps/", views.GapListView.as_view(), name="gap_list"),
    path("candidates/<int:pk>/review/", views.ReviewView.as_view(), name="candidate_review"),
    *[
        path(
            f"candidates/<int:pk>/{slug.replace('_', '-')}/", views.step_view(slug), name=f"candidate_{slug}"
        )
        for slug in views.STEPS
    ],
    path("objections/<int:pk>/resolve/", views.ObjectionResolveView.as_view(), name="objection_resolve"),
    path("assessments/<int:pk>/", views.AssessmentEditView.as_view(), name="assessment_edit"),
    path("assessments/<int:pk>/suggest/", views.AssessmentSuggestView.as_view(), name="assessment_suggest"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_edit"),
    path("scores/<int:pk>/evidence/new/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path("scores/<int:pk>/evidence/link/", views.EvidenceLinkView.as_view(), name="evidence_link"),
    path("scores/<int:pk>/evidence/figure/", views.EvidenceFigureView.as_view(), name="evidence_figure"),
    path("scores/<int:pk>/evidence/search/", views.EvidencePickerView.as_view(), name="evidence_search"),
    path("evidence/<int:pk>/", views.EvidenceDetailView.as_view(), name="evidence_detail"),
    path("evidence/<int:pk>/remove/", views.EvidenceRemoveView.as_view(), name="evidence_remove"),
    # titles and their management
    path("titles/", views.TitleListView.as_view(), name="title_list"),
    path("titles/<int:pk>/", views.TitleDetailView.as_view(), name="title_detail"),
    *[
        path(f"titles/<int:pk>/{slug}/", views.title_step_view(slug), name=f"title_{slug}")
        for slug in views.TITLE_STEPS
    ],
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path(
        "rectifications/<int:pk>/close/", views.RectificationCloseView.as_view(), name="rectification_close"
    ),
    path("checks/", views.CheckListView.as_view(), name="check_list"),
    path("veto-events/", views.VetoEventListView.as_view(), name="veto_event_list"),
    path("veto-events/<int:pk>/", views.VetoEventDetailView.as_view(), name="veto_event_detail"),
    path("veto-events/new/", views.VetoEventCreateView.as_view(), name="veto_event_create"),
    path(
        "veto-events/<int:pk>/confirm/",
        views.VetoEventDecideView.as_view(decision="confirm"),
        name="veto_event_confirm",
    ),
    path(
        "veto-events/<int:pk>/dismiss/",
        views.VetoEventDecideView.as_view(decision="dismiss"),
        name="veto_event_dismiss",
    ),
]
