"""The root of the JSON API: one NinjaAPI, both auths on every endpoint, errors handled in one place."""

from ninja import NinjaAPI

from shiliu.accounts.api import router as accounts_router
from shiliu.orgs.api import router as orgs_router
from shiliu.service_requests.api import router as service_requests_router

from .auth import AUTH, docs_access
from .errors import register_exception_handlers
from .renderers import Utf8JSONRenderer

API_VERSION = "1.0.0"

api = NinjaAPI(
    title="Shiliu API",
    version=API_VERSION,
    description=(
        "Areas, area statistics, units and service requests of the Shiliu platform. Every answer is limited to the caller's scope. "
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
