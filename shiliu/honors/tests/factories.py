"""Builders for honors tests, through the services (so stages and the timeline are real)."""

import datetime

from shiliu.honors import services
from shiliu.honors.choices import CandidateKind, CandidateStage, HonourLevel

DAY = datetime.date(2025, 3, 1)


def make_candidate(
    actor, *, unit=None, area=None, name="王芳", kind=None, discovered_on=DAY, deeds="十年帮扶邻里"
):
    kind = kind or (CandidateKind.INDIVIDUAL if unit is not None else CandidateKind.COLLECTIVE)
    return services.candidate_create(
        actor=actor, kind=kind, name=name, unit=unit, area=area, deeds=deeds, discovered_on=discovered_on
    )


HONOUR = {
    "title": "民族团结进步模范个人",
    "reason": "长期促进各民族交往交流交融",
    "deciding_body": "石榴市人民政府",
    "document_number": "石政发〔2025〕12号",
}


def advance(actor, candidate, stage, *, level=HonourLevel.CITY, decision_date=datetime.date(2025, 9, 1)):
    """Move a candidate along the happy path up to ``stage``."""
    order = [CandidateStage.CULTIVATING, CandidateStage.RECOMMENDED, CandidateStage.COMMENDED]
    for step in order[: order.index(stage) + 1]:
        if step == CandidateStage.CULTIVATING:
            services.candidate_cultivate(actor=actor, candidate=candidate)
        elif step == CandidateStage.RECOMMENDED:
            services.candidate_recommend(actor=actor, candidate=candidate, reason="群众公认")
        else:
            services.candidate_commend(
                actor=actor, candidate=candidate, level=level, decision_date=decision_date, **HONOUR
            )
    candidate.refresh_from_db()
    return candidate
