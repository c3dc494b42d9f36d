"""Demonstration creation models, split by sub-domain: indicator systems, candidates and assessments, titles and
their management."""

from .candidates import (
    Assessment,
    Batch,
    Candidate,
    CandidateEvent,
    Evidence,
    ItemScore,
    Objection,
    PublicNotice,
    SiteVisit,
    VetoCheck,
)
from .systems import Indicator, IndicatorMapping, IndicatorSystem, VetoItem
from .titles import (
    AnnualCheck,
    GapPeerGroup,
    GapSnapshot,
    Rectification,
    Revocation,
    Title,
    TitleEvent,
    VetoEvent,
)

__all__ = [
    "AnnualCheck",
    "Assessment",
    "Batch",
    "Candidate",
    "CandidateEvent",
    "Evidence",
    "GapPeerGroup",
    "GapSnapshot",
    "Indicator",
    "IndicatorMapping",
    "IndicatorSystem",
    "ItemScore",
    "Objection",
    "PublicNotice",
    "Rectification",
    "Revocation",
    "SiteVisit",
    "Title",
    "TitleEvent",
    "VetoCheck",
    "VetoEvent",
    "VetoItem",
]
