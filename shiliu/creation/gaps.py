"""Gap lists (差距清单): how far a candidate is from the pass line, item by item, and what would close the gap.

``gap_list(*, user, candidate)`` computes one candidate's list live (its self-assessment or final scores,
suggestions from records, veto status, ladder rule) and compares it with peers from the ``GapSnapshot`` rows that
``compute_snapshots`` stores for every unit and area with an applicable published system (run in the background
by the ``gap_lists_compute`` task: grouped queries per record source for all subjects at once, bulk upserts).
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .choices import (
    AREA_LEVEL_TARGET,
    OPEN_STAGES,
    AssessmentKind,
    AssessmentStatus,
    EvidenceKind,
    RecordSource,
    SystemStatus,
    TargetKind,
    VetoEventStatus,
    VetoStatus,
)
from .evidence import Suggestion, measure_many, suggest
from .models import (
    Candidate,
    Evidence,
    GapPeerGroup,
    GapSnapshot,
    Indicator,
    IndicatorSystem,
    ItemScore,
    VetoCheck,
    VetoEvent,
)

ZERO = Decimal(0)


@dataclass
class GapItem:
    indicator: Indicator
    category: Indicator | None
    max_points: Decimal
    points: Decimal  # provisional points
    points_source: str  # "final", "self", "suggested" or "none"
    missing: Decimal  # max_points - points
    suggestion: Suggestion | None
    needed: object  # the measured value that earns full points (None for items scored by hand)
    evidence_count: int
    evidence_kinds: list[str]  # labels of the evidence the item expects
    action: str  # what would earn the missing points, as a sentence

    @property
    def is_complete(self) -> bool:
        return self.missing <= 0


@dataclass
class Peers:
    """Comparison with peers from the latest snapshots: candidates of the same system and level, and every unit
    (or area) the same system applies to."""

    level_count: int = 0
    level_rank: int | None = None
    level_average: Decimal | None = None
    level_percentile: int | None = None
    type_count: int = 0
    type_rank: int | None = None
    type_average: Decimal | None = None
    type_percentile: int | None = None
    computed_at: datetime.datetime | None = None


@dataclass
class GapList:
    candidate: Candidate
    system: IndicatorSystem
    basis: str  # "final" or "self"
    score: Decimal
    bonus: Decimal
    total: Decimal
    pass_line: Decimal
    shortfall: Decimal
    is_passing: bool
    veto: str  # VetoStatus
    veto_events: list = field(default_factory=list)
    veto_checks: list = field(default_factory=list)  # triggered VetoCheck rows
    items: list[GapItem] = field(default_factory=list)
    peers: Peers = field(default_factory=Peers)
    ladder: str | None = None
    computed_at: datetime.datetime | None = None

    @property
    def pass_line_points(self) -> Decimal:
        return self.pass_line

    @property
    def todo(self) -> list[GapItem]:
        """Items still missing points, the biggest gaps first (the printable to-do list)."""
        return sorted((i for i in self.items if i.missing > 0), key=lambda i: (-i.missing, i.indicator.sort))


def _action(
    indicator: Indicator, suggestion: Suggestion | None, needed, missing: Decimal, kinds: list[str]
) -> str:
    parts = []
    if missing <= 0:
        return _("Full points.")
    if needed is not None and suggestion is not None and suggestion.value is not None:
        parts.append(
            _("Reach {needed} (measured now: {value}).").format(needed=needed, value=_num(suggestion.value))
        )
    elif needed is not None:
        parts.append(_("Reach {needed}.").format(needed=needed))
    if indicator.source == RecordSource.SURVEY_RATE and (suggestion is None or suggestion.value is None):
        parts.append(
            _("Run a quiz or questionnaire for it, or enter the survey result (sample size and rate) with the "
              "survey report.")
        )  # fmt: skip
    if kinds:
        parts.append(_("Evidence expected: {kinds}.").format(kinds=", ".join(kinds)))
    if indicator.evidence_hint:
        parts.append(indicator.evidence_hint)
    return " ".join(parts) or _("Add evidence for this item.")


def _num(value) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def gap_list(*, user, candidate: Candidate) -> GapList:
    """The gap list of a candidate already fetched through scope (see the module docstring)."""
    from .selectors import indicator_tree
    from .services.candidates import ladder_problem
    from .services.veto import veto_events_for

    system = candidate.system
    assessments = {a.kind: a for a in candidate.assessments.exclude(kind=AssessmentKind.REVIEW)}
    final = assessments.get(AssessmentKind.FINAL)
    use_final = final is not None and final.status == AssessmentStatus.SUBMITTED
    own = final if use_final else assessments.get(AssessmentKind.SELF)
    scores = {s.indicator_id: s for s in ItemScore.objects.filter(assessment=own)} if own else {}
    evidence_counts = dict(
        Evidence.objects.filter(item_score__assessment=own)
        .values_list("item_score__indicator_id")
        .annotate(n=Count("id"))
        .values_list("item_score__indicator_id", "n")
    ) if own else {}  # fmt: skip
    tree = indicator_tree(system=system)
    self_row = assessments.get(AssessmentKind.SELF)
    cache: dict = {}  # sources read once per page (request figures serve two items)
    by_id = {n.pk: n for n in tree}
    kind_labels = dict(EvidenceKind.choices)
    items: list[GapItem] = []
    leaves = []
    for node in tree:
        if not node.is_leaf:
            continue
        row = scores.get(node.pk)
        suggestion = (
            suggest(user=user, indicator=node, candidate=candidate, assessment=self_row, cache=cache)
            if node.source
            else None
        )
        if row is not None and row.points is not None:
            points, source = row.points, ("final" if use_final else "self")
        elif suggestion is not None and suggestion.points is not None:
            points, source = suggestion.points, "suggested"
        else:
            points, source = ZERO, "none"
        points = min(points, node.points)
        missing = node.points - points
        needed = (
            rules.needed_for_full(node.rule_kind, node.rule_params, node.points)
            if node.rule_kind != "manual"
            else None
        )
        kinds = [str(kind_labels.get(k, k)) for k in node.evidence_kinds or []]
        category = node
        while category.parent_id:
            category = by_id[category.parent_id]
        items.append(
            GapItem(
                indicator=node, category=category if category is not node else None, max_points=node.points,
                points=points, points_source=source, missing=missing, suggestion=suggestion, needed=needed,
                evidence_count=evidence_counts.get(node.pk, 0), evidence_kinds=kinds,
                action=_action(node, suggestion, needed, missing, kinds),
            )
        )  # fmt: skip
        leaves.append(rules.LeafScore(points, node.points, node.is_bonus))
    events = list(
        veto_events_for(unit=candidate.unit, area=candidate.area, year=candidate.year)
        .exclude(status=VetoEventStatus.DISMISSED)
        .order_by("-occurred_on")
    )
    checks = (
        list(VetoCheck.objects.filter(assessment=own, is_triggered=True).select_related("veto_item"))
        if own
        else []
    )
    if checks or any(e.status == VetoEventStatus.CONFIRMED for e in events):
        veto = VetoStatus.TRIGGERED
    elif events:
        veto = VetoStatus.PENDING
    else:
        veto = VetoStatus.CLEAR
    result = rules.total(
        leaves, pass_line=system.pass_line, bonus_cap=system.bonus_cap, is_vetoed=veto == VetoStatus.TRIGGERED
    )
    return GapList(
        candidate=candidate, system=system, basis="final" if use_final else "self", score=result.score,
        bonus=result.bonus, total=result.total, pass_line=result.pass_line, shortfall=result.shortfall,
        is_passing=result.is_passing, veto=veto, veto_events=events, veto_checks=checks, items=items,
        peers=peers_for(system=system, level=candidate.level, total=result.total, candidate=candidate),
        ladder=ladder_problem(candidate), computed_at=timezone.now(),
    )  # fmt: skip


def _rank(group: GapPeerGroup | None, total: Decimal, own: Decimal | None):
    """(count, rank, average, percentile) of ``total`` among the group's totals, the subject's own stored total
    (``own``) taken out."""
    if group is None:
        return 0, None, None, None
    n, total_sum = group.count, Decimal(group.total_sum)
    above = below = 0
    for key, count in group.distribution.items():
        value = Decimal(key)
        if value > total:
            above += count
        elif value < total:
            below += count
    if own is not None:
        n -= 1
        total_sum -= own
        above -= own > total
        below -= own < total
    if n <= 0:
        return 0, None, None, None
    return n, above + 1, (total_sum / n).quantize(Decimal("0.01")), int(round(100 * below / n))


def peers_for(
    *, system: IndicatorSystem, level: str, total: Decimal, candidate: Candidate | None = None
) -> Peers:
    """Rank ``total`` among the stored peer groups of ``system`` (candidates of ``level``; every unit or area of
    the system's type), leaving the candidate's own snapshots out. Two indexed reads."""
    groups = {g.group: g for g in GapPeerGroup.objects.filter(system=system, group__in=[level, TYPE_GROUP])}
    own: dict[str, Decimal] = {}
    if candidate is not None:
        keys = [f"c{candidate.pk}", f"u{candidate.unit_id}" if candidate.unit_id else f"a{candidate.area_id}"]
        own = dict(
            GapSnapshot.objects.filter(system=system, subject_key__in=keys).values_list(
                "subject_key", "total"
            )
        )
    peers = Peers()
    peers.level_count, peers.level_rank, peers.level_average, peers.level_percentile = _rank(
        groups.get(level), total, own.get(f"c{candidate.pk}") if candidate is not None else None
    )
    own_plain = None
    if candidate is not None:
        own_plain = own.get(f"u{candidate.unit_id}" if candidate.unit_id else f"a{candidate.area_id}")
    peers.type_count, peers.type_rank, peers.type_average, peers.type_percentile = _rank(
        groups.get(TYPE_GROUP), total, own_plain
    )
    stamps = [g.computed_at for g in groups.values()]
    peers.computed_at = max(stamps) if stamps else None
    return peers


TYPE_GROUP = "type"


def peer_groups_store(system_ids) -> int:
    """Recompute the peer groups of the given systems from their snapshots (one grouped query per kind)."""
    system_ids = list(system_ids)
    now = timezone.now()
    groups: dict[tuple[int, str], dict] = {}
    plain = (
        GapSnapshot.objects.filter(system_id__in=system_ids, candidate__isnull=True)
        .order_by()
        .values_list("system_id", "total")
        .annotate(n=Count("id"))
        .values_list("system_id", "total", "n")
    )
    for system_id, total, n in plain:
        groups.setdefault((system_id, TYPE_GROUP), {})[str(total)] = n
    cands = (
        GapSnapshot.objects.filter(system_id__in=system_ids, candidate__isnull=False)
        .order_by()
        .values_list("system_id", "level", "total")
        .annotate(n=Count("id"))
        .values_list("system_id", "level", "total", "n")
    )
    for system_id, level, total, n in cands:
        groups.setdefault((system_id, level), {})[str(total)] = n
    rows = [
        GapPeerGroup(
            system_id=system_id, group=group, computed_at=now, count=sum(dist.values()),
            total_sum=sum((Decimal(k) * v for k, v in dist.items()), Decimal(0)), distribution=dist,
        )
        for (system_id, group), dist in groups.items()
    ]  # fmt: skip
    with transaction.atomic():  # readers see the previous groups until the new ones are in
        GapPeerGroup.objects.filter(system_id__in=system_ids).delete()
        GapPeerGroup.objects.bulk_create(rows)
    return len(rows)


# ---------------------------------------------------------------- snapshots for everyone (background)


@dataclass
class _Leaf:
    id: int
    points: Decimal
    is_bonus: bool
    rule_kind: str
    params: dict
    source: str
    source_key: str
    memo: dict = field(default_factory=dict)

    def score(self, value) -> Decimal | None:
        if value is None or self.rule_kind == "manual":
            return None
        hit = self.memo.get(value)
        if hit is None:
            hit = rules.score(self.rule_kind, self.params, value, self.points)
            self.memo[value] = hit
        return hit


def _leaves(system: IndicatorSystem) -> list[_Leaf]:
    out = []
    for node in system.indicators.filter(children__isnull=True).order_by("sort", "code", "id"):
        key = f"{node.source}:{json.dumps(node.source_params, sort_keys=True)}" if node.source else ""
        out.append(
            _Leaf(node.pk, node.points, node.is_bonus, node.rule_kind, node.rule_params, node.source, key)
        )
    return out


def _systems_by_target(year: int) -> dict[tuple[str, int | None], list[IndicatorSystem]]:
    """Published systems up to ``year`` grouped by target, most specific issuing area first, then latest."""
    grouped: dict[tuple[str, int | None], list[IndicatorSystem]] = defaultdict(list)
    systems = IndicatorSystem.objects.filter(status=SystemStatus.PUBLISHED, year__lte=year)
    for system in sorted(systems, key=lambda s: (-len(s.area_path), -s.year, -s.version)):
        grouped[(system.target_kind, system.unit_type_id)].append(system)
    return grouped


def _pick(systems: list[IndicatorSystem], path: str) -> IndicatorSystem | None:
    for system in systems:
        if path.startswith(system.area_path):
            return system
    return None


def _veto_maps(year: int, within: str):
    by_unit: dict[int, str] = {}
    by_path: list[tuple[str, str]] = []
    qs = VetoEvent.objects.filter(occurred_on__year=year).exclude(status=VetoEventStatus.DISMISSED)
    if within:
        qs = qs.filter(area_path__startswith=within)
    for unit_id, path, status in qs.values_list("unit_id", "area_path", "status"):
        value = VetoStatus.TRIGGERED if status == VetoEventStatus.CONFIRMED else VetoStatus.PENDING
        if unit_id:
            if by_unit.get(unit_id) != VetoStatus.TRIGGERED:
                by_unit[unit_id] = value
        by_path.append((path, value))
    return by_unit, by_path


def _area_veto(path: str, by_path) -> str:
    status = VetoStatus.CLEAR
    for event_path, value in by_path:
        if event_path.startswith(path):
            if value == VetoStatus.TRIGGERED:
                return value
            status = VetoStatus.PENDING
    return status


def compute_snapshots(*, area=None, year: int | None = None, chunk: int = 2000) -> dict:
    """Store a ``GapSnapshot`` for every active unit and every city/county/township area with an applicable
    published system (in ``area``'s subtree when given) and for every open candidate of ``year``.

    Record-based items are measured with one grouped query per distinct (source, parameters) for all subjects at
    once (``evidence.measure_many``); snapshots are upserted in chunks; snapshots not refreshed by a full run are
    removed. Returns counts: ``units``, ``areas``, ``candidates``, ``deleted``, ``seconds``.
    """
    from shiliu.orgs.models import Area, Unit

    from .services.common import SYSTEM

    started = timezone.now()
    year = year or timezone.localdate().year
    within = area.path if area is not None else ""
    by_target = _systems_by_target(year)
    leaves_of: dict[int, list[_Leaf]] = {}

    def leaves(system):
        if system.pk not in leaves_of:
            leaves_of[system.pk] = _leaves(system)
        return leaves_of[system.pk]

    # Subjects and the system that applies to each.
    unit_rows = []  # (unit id, area id, path, type code, system)
    type_ids = {type_id for kind, type_id in by_target if kind == TargetKind.UNIT}
    units = Unit.objects.filter(status="active", unit_type_id__in=type_ids)
    if within:
        units = units.filter(area_path__startswith=within)
    for unit_id, area_id, path, type_id, type_code in (
        units.order_by()
        .values_list("id", "area_id", "area_path", "unit_type_id", "unit_type__code")
        .iterator(chunk_size=5000)
    ):
        system = _pick(by_target.get((TargetKind.UNIT, type_id), []), path)
        if system is not None:
            unit_rows.append((unit_id, area_id, path, type_code, system))
    area_rows = []  # (area id, path, system)
    level_kinds = {level: kind for level, kind in AREA_LEVEL_TARGET.items() if (kind, None) in by_target}
    if level_kinds:
        areas = Area.objects.filter(level__in=list(level_kinds), is_active=True)
        if within:
            areas = areas.filter(path__startswith=within)
        for area_id, path, level in areas.values_list("id", "path", "level"):
            system = _pick(by_target[(level_kinds[level], None)], path)
            if system is not None:
                area_rows.append((area_id, path, system))
    systems = {row[-1].pk: row[-1] for row in unit_rows} | {row[-1].pk: row[-1] for row in area_rows}

    # Open candidates of the year, and the units/areas they stand for that the loop above did not take
    # (a unit archived since, an older system): their records are measured too.
    candidates = Candidate.objects.filter(year=year, stage__in=list(OPEN_STAGES))
    if within:
        candidates = candidates.filter(area_path__startswith=within)
    cand_rows = list(candidates.values_list("id", "unit_id", "area_id", "area_path", "level", "system_id"))
    cand_systems = {s.pk: s for s in IndicatorSystem.objects.filter(pk__in={c[5] for c in cand_rows})}
    unit_tuples = [(u, a, p, t) for u, a, p, t, _s in unit_rows]
    area_tuples = [(a, p) for a, p, _s in area_rows]
    extra_unit_ids = {c[1] for c in cand_rows if c[1]} - {row[0] for row in unit_rows}
    if extra_unit_ids:
        unit_tuples += list(
            Unit.objects.filter(pk__in=extra_unit_ids).values_list(
                "id", "area_id", "area_path", "unit_type__code"
            )
        )
    extra_area_ids = {c[2] for c in cand_rows if not c[1]} - {row[0] for row in area_rows}
    if extra_area_ids:
        area_tuples += list(Area.objects.filter(pk__in=extra_area_ids).values_list("id", "path"))

    # One grouped measurement per distinct source for all subjects.
    wanted: dict[str, tuple[str, dict]] = {}
    for system in [*systems.values(), *cand_systems.values()]:
        for leaf in leaves(system):
            if leaf.source_key:
                wanted[leaf.source_key] = (leaf.source, json.loads(leaf.source_key.split(":", 1)[1]))
    values: dict[str, dict[str, Decimal]] = {}
    for key, (source, params) in wanted.items():
        values[key] = measure_many(
            user=SYSTEM,
            source=source,
            params=params,
            year=year,
            units=unit_tuples,
            areas=area_tuples,
            within=area,
        )
    veto_units, veto_paths = _veto_maps(year, within)

    now = timezone.now()
    rows: list[GapSnapshot] = []
    stats = {"units": 0, "areas": 0, "candidates": 0, "deleted": 0}

    def snapshot(system, subject_key, *, unit_id=None, area_id, path, level="", candidate_id=None, own=None,
                 survey=None, veto=VetoStatus.CLEAR):  # fmt: skip
        items = []
        scored = []
        plain_key = subject_key if candidate_id is None else (f"u{unit_id}" if unit_id else f"a{area_id}")
        for leaf in leaves(system):
            measured = values.get(leaf.source_key, {}).get(plain_key) if leaf.source_key else None
            if leaf.source == RecordSource.SURVEY_RATE and survey is not None and measured is None:
                measured = survey.get(leaf.id)  # entered survey evidence, when no quiz was taken
            suggested = leaf.score(measured) if measured is not None else None
            points = own.get(leaf.id) if own else None
            if points is None:
                points = suggested
            scored.append(rules.LeafScore(points, leaf.points, leaf.is_bonus))
            items.append([leaf.id, _f(points), _f(leaf.points), _f(suggested), _f(measured)])
        result = rules.total(scored, pass_line=system.pass_line, bonus_cap=system.bonus_cap,
                             is_vetoed=veto == VetoStatus.TRIGGERED)  # fmt: skip
        rows.append(
            GapSnapshot(
                system=system, subject_key=subject_key, candidate_id=candidate_id, unit_id=unit_id, area_id=area_id,
                area_path=path, level=level, year=year, computed_at=now, score=result.score, bonus=result.bonus,
                total=result.total, pass_line=system.pass_line, veto=veto, is_passing=result.is_passing, items=items,
            )
        )  # fmt: skip
        if len(rows) >= chunk:
            _flush(rows)

    for unit_id, area_id, path, _type, system in unit_rows:
        snapshot(system, f"u{unit_id}", unit_id=unit_id, area_id=area_id, path=path,
                 veto=veto_units.get(unit_id, VetoStatus.CLEAR))  # fmt: skip
        stats["units"] += 1
    for area_id, path, system in area_rows:
        snapshot(system, f"a{area_id}", area_id=area_id, path=path, veto=_area_veto(path, veto_paths))
        stats["areas"] += 1

    # Open candidates: their own (final, else self) points, record suggestions where unscored.
    cand_systems_seen = {c[5] for c in cand_rows}
    if cand_rows:
        ids = [c[0] for c in cand_rows]
        own: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for cand_id, ind_id, points in ItemScore.objects.filter(
            assessment__candidate_id__in=ids, assessment__kind=AssessmentKind.SELF, points__isnull=False
        ).values_list("assessment__candidate_id", "indicator_id", "points"):
            own[cand_id][ind_id] = points
        finals: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for cand_id, ind_id, points in ItemScore.objects.filter(
            assessment__candidate_id__in=ids, assessment__kind=AssessmentKind.FINAL,
            assessment__status=AssessmentStatus.SUBMITTED,
        ).values_list("assessment__candidate_id", "indicator_id", "points"):  # fmt: skip
            finals[cand_id][ind_id] = points
        own.update(finals)  # a submitted final score replaces the self-assessment
        surveys: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for cand_id, ind_id, rate in (
            Evidence.objects.filter(
                item_score__assessment__candidate_id__in=ids,
                item_score__assessment__kind=AssessmentKind.SELF,
                kind=EvidenceKind.SURVEY,
                rate__isnull=False,
            )
            .order_by("id")
            .values_list("item_score__assessment__candidate_id", "item_score__indicator_id", "rate")
        ):
            surveys[cand_id][ind_id] = rate  # the latest entry wins
        vetoed_by_check = set(
            VetoCheck.objects.filter(assessment__candidate_id__in=ids, is_triggered=True)
            .values_list("assessment__candidate_id", flat=True)
        )  # fmt: skip
        for cand_id, unit_id, area_id, path, level, system_id in cand_rows:
            veto = veto_units.get(unit_id, VetoStatus.CLEAR) if unit_id else _area_veto(path, veto_paths)
            if cand_id in vetoed_by_check:
                veto = VetoStatus.TRIGGERED
            snapshot(cand_systems[system_id], f"c{cand_id}", unit_id=unit_id, area_id=area_id, path=path,
                     level=level, candidate_id=cand_id, own=own.get(cand_id), survey=surveys.get(cand_id), veto=veto)  # fmt: skip
            stats["candidates"] += 1
    _flush(rows)

    stale = GapSnapshot.objects.filter(computed_at__lt=now)
    if within:
        stale = stale.filter(area_path__startswith=within)
    stale_systems = set(stale.order_by().values_list("system_id", flat=True).distinct())
    stats["deleted"], _detail = stale.delete()
    stats["peer_groups"] = peer_groups_store(set(systems) | set(cand_systems_seen) | stale_systems)
    stats["seconds"] = round((timezone.now() - started).total_seconds(), 2)
    return stats


def _f(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


UPDATE_FIELDS = [
    "candidate", "unit", "area", "area_path", "level", "year", "computed_at", "score", "bonus", "total",
    "pass_line", "veto", "is_passing", "items",
]  # fmt: skip


def _flush(rows: list[GapSnapshot]) -> None:
    if not rows:
        return
    with transaction.atomic():
        GapSnapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["system", "subject_key"], update_fields=UPDATE_FIELDS
        )
    rows.clear()
