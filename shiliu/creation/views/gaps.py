"""The gap list of a candidate: provisional score against the pass line, what each item still misses and which
evidence would earn it, the veto status and the comparison with peers; printable as a to-do list."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from shiliu.core.views import SignedInMixin

from .. import selectors
from .common import candidate_crumbs


class GapListView(SignedInMixin, View):
    def get(self, request, pk):
        candidate = selectors.candidate_get(user=request.user, pk=pk)
        gap = selectors.gap_list(user=request.user, candidate=candidate)
        printing = request.GET.get("print") == "1"
        context = {
            "candidate": candidate,
            "gap": gap,
            "printing": printing,
            "title": _("Gap list: {candidate}").format(candidate=candidate.target_name),
            "breadcrumbs": candidate_crumbs(candidate, (_("Gap list"), None)),
        }
        template = "creation/gap_list_print.html" if printing else "creation/gap_list.html"
        return render(request, template, context)
