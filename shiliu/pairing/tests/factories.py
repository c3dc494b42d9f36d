"""Builders for pairing tests on top of the standard tree (``tree`` fixture)."""

import datetime
from decimal import Decimal

from shiliu.pairing.models import (
    AssessmentRulebook,
    Pairing,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
    RulebookItem,
)

D = datetime.date
JAN_2025, END_2027 = D(2025, 1, 1), D(2027, 12, 31)
MAR_2025, APR_2025, MAY_2025, JUN_2025 = D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)


def make_pairing(unit, village, start=JAN_2025, end=END_2027, **extra) -> Pairing:
    return Pairing.objects.create(
        unit=unit, village=village, area_path=village.path, start=start, end=end, **extra
    )


def make_visit(pairing, visited_on=MAR_2025, people=3, activities="座谈", **extra) -> PairingVisit:
    return PairingVisit.objects.create(
        pairing=pairing, area_path=pairing.area_path, visited_on=visited_on, people=people,
        activities=activities, **extra,
    )  # fmt: skip


def make_fund(pairing, paid_on=APR_2025, amount="1000.00", source="own", purpose="修路") -> PairingFund:
    return PairingFund.objects.create(
        pairing=pairing, area_path=pairing.area_path, paid_on=paid_on, amount=Decimal(amount), source=source,
        purpose=purpose,
    )  # fmt: skip


def make_project(pairing, name="文化广场", started_on=MAY_2025, amount="5000", status="planned",
                 beneficiaries=10, completed_on=None) -> PairingProject:  # fmt: skip
    return PairingProject.objects.create(
        pairing=pairing, area_path=pairing.area_path, name=name, started_on=started_on, amount=Decimal(amount),
        status=status, beneficiaries=beneficiaries, completed_on=completed_on,
    )  # fmt: skip


def make_outcome(pairing, reported_on=JUN_2025, jobs=2, problems=1, description="安排就业") -> PairingOutcome:
    return PairingOutcome.objects.create(
        pairing=pairing, area_path=pairing.area_path, reported_on=reported_on, jobs_arranged=jobs,
        problems_solved=problems, description=description,
    )  # fmt: skip


def make_rulebook(
    area, year=2025, items=(("组织领导", "30"), ("走访帮扶", "40"), ("项目成效", "30")), **extra
):
    rulebook = AssessmentRulebook.objects.create(
        area=area, area_path=area.path, year=year, name="考核细则", **extra
    )
    for order, (name, points) in enumerate(items):
        RulebookItem.objects.create(rulebook=rulebook, name=name, max_points=Decimal(points), order=order)
    return rulebook
