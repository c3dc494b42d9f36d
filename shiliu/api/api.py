"""The root of the JSON API: one NinjaAPI, both auths on every endpoint, errors handled in one place."""

from ninja import NinjaAPI

from shiliu.accounts.api import router as accounts_router
from shiliu.activities.api import router as activities_router
from shiliu.creation.api import router as creation_router
from shiliu.honors.api import router as honors_router
from shiliu.orgs.api import router as orgs_router
from shiliu.pairing.api import router as pairing_router
from shiliu.quizzes.api import router as quizzes_router
from shiliu.service_requests.api import router as service_requests_router
from shiliu.venues.api import router as venues_router

from .auth import AUTH, docs_access
from .errors import register_exception_handlers
from .renderers import Utf8JSONRenderer

API_VERSION = "1.0.0"

api = NinjaAPI(
    title="Shiliu API",
    version=API_VERSION,
    description=(
        "Areas, area statistics, units, work ledgers, service requests, quizzes and creation of the Shiliu platform. Every answer is limited to the caller's scope. "
        "Authenticate with a personal token (`Authorization: Bearer sl_...`, created at /api/tokens/) or, from "
        "the browser, with the session and its CSRF token."
    ),
    auth=AUTH,
    urls_namespace="api:v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
    renderer=Utf8JSONRenderer(),
)
register_exception_handlers(api)

api.add_router("/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/", service_requests_router)
api.add_router("/", activities_router)
api.add_router("/", venues_router)
api.add_router("/", pairing_router)
api.add_router("/", honors_router)
api.add_router("/", quizzes_router)
api.add_router("/", creation_router)
