from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("shiliu.accounts.urls")),
    path("orgs/", include("shiliu.orgs.urls")),
    path("venues/", include("shiliu.venues.urls")),
    path("activities/", include("shiliu.activities.urls")),
    path("pairing/", include("shiliu.pairing.urls")),
    path("honors/", include("shiliu.honors.urls")),
    path("requests/", include("shiliu.service_requests.urls")),
    path("open311/v2/", include("shiliu.service_requests.open311_urls")),
    path("creation/", include("shiliu.creation.urls")),
    path("", include("shiliu.quizzes.urls")),  # quizzes/ (staff) and q/ (public, no login)
    path("exchange/", include("shiliu.exchange.urls")),
    path("api/", include("shiliu.api.urls")),
    path("", include("shiliu.core.urls")),
]

handler403 = "shiliu.core.views.error_403"
handler404 = "shiliu.core.views.error_404"
handler500 = "shiliu.core.views.error_500"

if settings.DEBUG:
    pass
