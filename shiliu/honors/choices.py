"""Kinds, stages and honour levels of model individuals and collectives (先进典型), and the stage table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CandidateKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class CandidateStage(models.TextChoices):
    """发现 → 培育 → 推荐 → 表彰, or 不予推荐 from any open stage."""

    DISCOVERED = "discovered", _("Discovered")
    CULTIVATING = "cultivating", _("Cultivating")
    RECOMMENDED = "recommended", _("Recommended")
    COMMENDED = "commended", _("Commended")
    REJECTED = "rejected", _("Rejected")


# The only stage changes there are; every change goes through one service in services.py.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    CandidateStage.DISCOVERED: frozenset({CandidateStage.CULTIVATING, CandidateStage.REJECTED}),
    CandidateStage.CULTIVATING: frozenset({CandidateStage.RECOMMENDED, CandidateStage.REJECTED}),
    CandidateStage.RECOMMENDED: frozenset({CandidateStage.COMMENDED, CandidateStage.REJECTED}),
    CandidateStage.COMMENDED: frozenset(),
    CandidateStage.REJECTED: frozenset(),
}
OPEN_STAGES = frozenset(stage for stage, targets in STAGE_TRANSITIONS.items() if targets)


class HonourLevel(models.TextChoices):
    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")
