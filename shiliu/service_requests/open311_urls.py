"""Open311 GeoReport v2, mounted at ``/open311/v2/`` by the project's urls: every resource as .json or .xml."""

from django.urls import re_path

from .open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="service_list"),
    re_path(r"^services/(?P<service_code>[-\w]+)" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^requests" + FMT, views.requests_collection, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[-\w]+)" + FMT, views.request_detail, name="request_detail"),
    re_path(r"^tokens/(?P<token>[-\w:]+)" + FMT, views.token_detail, name="token_detail"),
]
