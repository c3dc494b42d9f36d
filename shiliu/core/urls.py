from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("areas/picker/", views.area_picker, name="area_picker"),
    path(
        "reveal/<str:app_label>/<str:model>/<str:pk>/<str:field>/", views.RevealView.as_view(), name="reveal"
    ),
]
