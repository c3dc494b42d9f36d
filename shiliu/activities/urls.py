from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("publicity/", views.PublicityListView.as_view(), name="publicity_list"),
    path("publicity/new/", views.PublicityCreateView.as_view(), name="publicity_create"),
    path("publicity/<int:pk>/", views.PublicityDetailView.as_view(), name="publicity_detail"),
    path("publicity/<int:pk>/edit/", views.PublicityEditView.as_view(), name="publicity_edit"),
    path("publicity/<int:pk>/delete/", views.PublicityDeleteView.as_view(), name="publicity_delete"),
]
