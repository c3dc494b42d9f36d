"""The creation panel of the landing page: candidates in progress by stage and titles needing attention, each
figure counted from the same selector as the list it links to."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from shiliu.core.figures import Figure
from shiliu.core.scope import scope_of

from .. import selectors
from ..choices import OPEN_STAGES, CandidateStage, RectificationStatus


def _link(name: str, **params) -> str:
    return reverse(name) + (f"?{urlencode(params)}" if params else "")


def home_panel(request):
    user = request.user
    if scope_of(user).is_empty:
        return None
    counts = dict(
        selectors.candidate_list(user=user, filters={})
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
    )
    stages = [
        Figure(f"candidates_{stage}", str(label), counts.get(stage, 0),
               url=_link("creation:candidate_list", stage=stage))
        for stage, label in CandidateStage.choices
        if stage in OPEN_STAGES
    ]  # fmt: skip
    titles = {
        "expiring": selectors.title_list(user=user, filters={"validity": "expiring"}).count(),
        "under_review": selectors.title_list(user=user, filters={"status": "under_review"}).count(),
    }
    rectifications = selectors.rectification_list(
        user=user, filters={"status": RectificationStatus.OPEN}
    ).count()
    if not any(counts.values()) and not any(titles.values()) and not rectifications:
        return None
    return {
        "template": "creation/home_panel.html",
        "stages": stages,
        "others": [
            Figure("titles_expiring", _("Titles expiring soon"), titles["expiring"],
                   url=_link("creation:title_list", validity="expiring")),
            Figure("titles_under_review", _("Titles flagged for review"), titles["under_review"],
                   url=_link("creation:title_list", status="under_review")),
            Figure("rectifications_open", _("Open rectifications"), rectifications,
                   url=_link("creation:rectification_list", status=RectificationStatus.OPEN)),
        ],
    }  # fmt: skip
