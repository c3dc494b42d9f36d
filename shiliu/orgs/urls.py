from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/new/", views.AreaCreateView.as_view(), name="area_create"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaEditView.as_view(), name="area_edit"),
    path("areas/<int:pk>/move/", views.AreaMoveView.as_view(), name="area_move"),
    path("tree/", views.AreaTreeView.as_view(), name="area_tree"),
    path("statistics/", views.AreaStatisticsListView.as_view(), name="stats_list"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit_create"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_edit"),
    path("units/<int:pk>/archive/", views.UnitArchiveView.as_view(), name="unit_archive"),
    path("units/<int:pk>/restore/", views.UnitRestoreView.as_view(), name="unit_restore"),
]
