"""JSON endpoints about the signed-in user: who am I, and my own API tokens."""

from ninja import Field, ModelSchema, Router, Schema, Status

from shiliu.accounts.models import ApiToken, User
from shiliu.api import selectors as token_selectors
from shiliu.api import services as token_services
from shiliu.api.schemas import READ_ERRORS, WRITE_ERRORS
from shiliu.core.roles import Role
from shiliu.orgs.models import Area, Unit

router = Router(tags=["accounts"])


class MeAreaOut(ModelSchema):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "level"]


class MeUnitOut(ModelSchema):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role
    is_system_admin: bool
    area: MeAreaOut | None
    unit: MeUnitOut | None


class TokenOut(ModelSchema):
    is_valid: bool

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown only once; store it safely.")


class TokenIn(Schema):
    name: str


@router.get("/me", response={200: MeOut, **READ_ERRORS})
def me(request):
    return User.objects.select_related("area", "unit").get(pk=request.auth.pk)


@router.get("/me/tokens", response={200: list[TokenOut], **READ_ERRORS})
def token_list(request):
    return token_selectors.api_token_list(user=request.auth)


@router.post("/me/tokens", response={201: TokenCreatedOut, **WRITE_ERRORS})
def token_create(request, payload: TokenIn):
    token, raw = token_services.api_token_issue(actor=request.auth, name=payload.name)
    token.token = raw
    return Status(201, token)


@router.post("/me/tokens/{int:token_id}/revoke", response={200: TokenOut, **WRITE_ERRORS})
def token_revoke(request, token_id: int):
    token = token_selectors.api_token_get(user=request.auth, pk=token_id)
    return token_services.api_token_revoke(actor=request.auth, token=token)
