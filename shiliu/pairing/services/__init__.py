"""Writes of pairings, their records and their annual assessments. Every write checks scope first and re-reads
after; validation lives in the ``*_clean`` functions shared by forms, API and the importer.

Split by sub-domain: ``pairings``, ``records`` (visits, funds, outcomes, projects), ``assessments``.
"""

from .assessments import (
    assessment_save,
    assessment_submit,
    grade_for,
    rulebook_clean,
    rulebook_create,
    rulebook_for,
    rulebook_update,
)
from .common import MAX_AMOUNT
from .pairings import PAIRING_FIELDS, pairing_clean, pairing_create, pairing_update
from .records import (
    fund_clean,
    fund_create,
    fund_update,
    outcome_clean,
    outcome_create,
    outcome_update,
    project_clean,
    project_create,
    project_transition,
    project_update,
    visit_clean,
    visit_create,
    visit_update,
)

__all__ = [
    "MAX_AMOUNT",
    "PAIRING_FIELDS",
    "assessment_save",
    "assessment_submit",
    "fund_clean",
    "fund_create",
    "fund_update",
    "grade_for",
    "outcome_clean",
    "outcome_create",
    "outcome_update",
    "pairing_clean",
    "pairing_create",
    "pairing_update",
    "project_clean",
    "project_create",
    "project_transition",
    "project_update",
    "rulebook_clean",
    "rulebook_create",
    "rulebook_for",
    "rulebook_update",
    "visit_clean",
    "visit_create",
    "visit_update",
]
