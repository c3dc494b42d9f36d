"""The "My API tokens" page: list, create (the raw token is shown once, on the response to the POST), revoke."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from shiliu.core.errors import ApplicationError

from . import selectors, services


class ApiTokenListView(LoginRequiredMixin, TemplateView):
    template_name = "api/tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = selectors.api_token_list(user=self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        name = request.POST.get("name", "")
        try:
            token, raw = services.api_token_issue(actor=request.user, name=name)
        except ApplicationError as exc:
            return self.render_to_response(self.get_context_data(error=exc.message, name=name), status=400)
        # Rendered, not redirected: the raw token must not be stored anywhere, not even in the session.
        response = self.render_to_response(self.get_context_data(new_token=token, raw_token=raw))
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = selectors.api_token_get(user=request.user, pk=pk)
        try:
            services.api_token_revoke(actor=request.user, token=token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The token {name} was revoked.").format(name=token.name))
        return redirect("api:tokens")
