"""Pages of demonstration creation, split by sub-domain. Views parse input, fetch through the selectors (scope)
and call one service; every rule lives in ``services/``."""

from .assessments import (
    AssessmentEditView,
    AssessmentSuggestView,
    EvidenceAddView,
    EvidenceDetailView,
    EvidenceFigureView,
    EvidenceLinkView,
    EvidencePickerView,
    EvidenceRemoveView,
    ReviewDetailView,
    ReviewView,
)
from .batches import BatchCreateView, BatchDetailView, BatchEditView, BatchListView
from .candidates import (
    STEPS,
    CandidateCreateView,
    CandidateDetailView,
    CandidateListView,
    ObjectionResolveView,
    step_view,
)
from .gaps import GapListView
from .systems import (
    ItemCreateView,
    ItemDeleteView,
    ItemEditView,
    ItemMoveView,
    SystemCloneView,
    SystemCreateView,
    SystemDetailView,
    SystemEditView,
    SystemListView,
    SystemMappingView,
    SystemPublishView,
    SystemRetireView,
    VetoItemCreateView,
    VetoItemDeleteView,
)
from .titles import (
    TITLE_STEPS,
    CheckListView,
    RectificationCloseView,
    RectificationListView,
    TitleDetailView,
    TitleListView,
    VetoEventCreateView,
    VetoEventDecideView,
    VetoEventDetailView,
    VetoEventListView,
    title_step_view,
)

__all__ = [
    "STEPS", "TITLE_STEPS", "AssessmentEditView", "AssessmentSuggestView", "BatchCreateView", "BatchDetailView",
    "BatchEditView", "BatchListView", "CandidateCreateView", "CandidateDetailView", "CandidateListView",
    "CheckListView", "EvidenceAddView", "EvidenceDetailView", "EvidenceFigureView", "EvidenceLinkView", "EvidencePickerView",
    "EvidenceRemoveView", "GapListView", "ItemCreateView", "ItemDeleteView", "ItemEditView", "ItemMoveView",
    "ObjectionResolveView", "RectificationCloseView", "RectificationListView", "ReviewDetailView", "ReviewView",
    "SystemCloneView", "SystemCreateView", "SystemDetailView", "SystemEditView", "SystemListView",
    "SystemMappingView", "SystemPublishView", "SystemRetireView", "TitleDetailView", "TitleListView", "VetoEventCreateView",
    "VetoEventDecideView", "VetoEventDetailView", "VetoEventListView", "VetoItemCreateView", "VetoItemDeleteView", "step_view",
    "title_step_view",
]  # fmt: skip
