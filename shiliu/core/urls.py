from django.urls import path

from . import attachment_views, views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("areas/picker/", views.area_picker, name="area_picker"),
    path("attachments/<int:pk>/", attachment_views.AttachmentDownloadView.as_view(), name="attachment"),
    path(
        "attachments/<int:pk>/remove/",
        attachment_views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path(
        "attachments/<str:app_label>/<str:model>/<int:pk>/upload/",
        attachment_views.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path(
        "reveal/<str:app_label>/<str:model>/<str:pk>/<str:field>/", views.RevealView.as_view(), name="reveal"
    ),
]
