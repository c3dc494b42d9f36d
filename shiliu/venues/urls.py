from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("", views.VenueListView.as_view(), name="venue_list"),
    path("new/", views.VenueCreateView.as_view(), name="venue_create"),
    path("<int:pk>/", views.VenueDetailView.as_view(), name="venue_detail"),
    path("<int:pk>/edit/", views.VenueEditView.as_view(), name="venue_edit"),
    path("<int:pk>/archive/", views.VenueArchiveView.as_view(), name="venue_archive"),
    path("<int:pk>/restore/", views.VenueRestoreView.as_view(), name="venue_restore"),
    path("<int:pk>/visitors/new/", views.VisitCountCreateView.as_view(), name="visit_create"),
    path("visitors/", views.VisitListView.as_view(), name="visit_list"),
    path("visitors/<int:pk>/delete/", views.VisitCountDeleteView.as_view(), name="visit_delete"),
]
