from django.urls import path

from .api import api
from .views import ApiTokenListView, ApiTokenRevokeView

app_name = "api"
urlpatterns = [
    path("tokens/", ApiTokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", ApiTokenRevokeView.as_view(), name="token_revoke"),
    path("", api.urls),
]
