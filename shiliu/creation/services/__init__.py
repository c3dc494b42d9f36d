"""Writes of demonstration creation. Every write checks scope (or the office's place above the candidate) first
and re-reads after; state changes follow the tables in choices.py and record who, when and why.

Split by sub-domain: ``systems`` (indicator systems, items, veto items, cloning), ``candidates`` (batches and the
workflow), ``assessments`` (scores, evidence, reviews, final score), ``titles`` (dynamic management), ``veto``.
"""

from .assessments import (
    LINKABLE_RECORDS,
    assessment_save,
    assessment_suggest,
    evidence_add,
    evidence_link,
    evidence_remove,
    recount,
    review_finalize,
    review_open,
    review_save,
    review_submit,
    veto_check_set,
)
from .candidates import (
    batch_create,
    batch_update,
    candidate_approve,
    candidate_create,
    candidate_name,
    candidate_open_notice,
    candidate_recommend,
    candidate_reject,
    candidate_return,
    candidate_start_review,
    candidate_start_site_assessment,
    candidate_submit,
    candidate_withdraw,
    ladder_problem,
    objection_record,
    objection_resolve,
    site_visit_record,
    standing_title,
)
from .common import SYSTEM
from .systems import (
    item_create,
    item_delete,
    item_move,
    item_update,
    mapping_set,
    system_clone,
    system_create,
    system_problems,
    system_publish,
    system_retire,
    system_update,
    veto_item_create,
    veto_item_delete,
    veto_item_update,
)
from .titles import (
    rectification_close,
    title_check_record,
    title_clear_review,
    title_record,
    title_reverify,
    title_revoke,
    title_warn,
    titles_expire,
)
from .veto import veto_event_confirm, veto_event_create, veto_event_dismiss, veto_status_for

__all__ = [
    "LINKABLE_RECORDS", "SYSTEM", "assessment_save", "assessment_suggest", "batch_create", "batch_update",
    "candidate_approve", "candidate_create", "candidate_name", "candidate_open_notice", "candidate_recommend",
    "candidate_reject", "candidate_return", "candidate_start_review", "candidate_start_site_assessment",
    "candidate_submit", "candidate_withdraw", "evidence_add", "evidence_link", "evidence_remove", "item_create",
    "item_delete", "item_move", "item_update", "ladder_problem", "mapping_set", "objection_record",
    "objection_resolve", "rectification_close", "recount", "review_finalize", "review_open", "review_save",
    "review_submit", "site_visit_record", "standing_title", "system_clone", "system_create", "system_problems",
    "system_publish", "system_retire", "system_update", "title_check_record", "title_clear_review",
    "title_record", "title_reverify", "title_revoke", "title_warn", "titles_expire", "veto_check_set",
    "veto_event_confirm", "veto_event_create", "veto_event_dismiss", "veto_item_create", "veto_item_delete",
    "veto_item_update", "veto_status_for",
]  # fmt: skip
