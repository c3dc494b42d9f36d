from django.urls import path  # noqa: F401

app_name = "service_requests"
urlpatterns: list = []
