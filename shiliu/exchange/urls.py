from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("jobs/<uuid:uuid>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<uuid:uuid>/progress/", views.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<uuid:uuid>/download/", views.JobDownloadView.as_view(), name="job_download"),
    path("<slug:sheet>/export/", views.ExportView.as_view(), name="export"),
    path("<slug:sheet>/template/", views.TemplateDownloadView.as_view(), name="template"),
    path("<slug:sheet>/import/", views.ImportView.as_view(), name="import"),
    path("<slug:sheet>/import/commit/", views.ImportCommitView.as_view(), name="import_commit"),
]
