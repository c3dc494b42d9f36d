"""Scoring rules of indicator items: pure functions, no database.

``validate_params(rule_kind, params, max_points)`` checks and normalises an item's ``rule_params`` (raising
``ApplicationError`` on ``rule_params``); ``score(rule_kind, params, value, max_points)`` turns a measured value
into points; ``total(...)`` adds leaf points, caps the bonus and lets a veto override the pass line.

Parameters per rule kind:
- ``all_or_nothing``: ``{"min": m}`` (optional, default 1): full points when value ≥ m (True counts as 1), else 0.
- ``bands``: ``{"bands": [[threshold, points], ...]}`` thresholds strictly increasing, points not decreasing and
  at most the item's points: the points of the highest band whose threshold the value reaches, else 0.
- ``deduct_per_missing``: ``{"required": n, "deduct": d}``: full points less d per occurrence short of n, down
  to zero.
- ``rate_threshold``: ``{"threshold": t, "partial": "none" | "linear" | "per_point", "partial_from": p,
  "deduct_per_point": d}`` with rates in percent: full points at t or above; below it ``none`` gives 0, ``linear``
  scales from 0 at p to full at t, ``per_point`` deducts d per percentage point short of t (down to zero).
- ``manual``: ``{}``; nothing is computed (``score`` returns None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError

from .choices import RuleKind

FIELD = "rule_params"
CENT = Decimal("0.01")
PARTIAL_MODES = ("none", "linear", "per_point")


def _dec(value, what: str) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(_("{what} must be a number.").format(what=what), field=FIELD) from None
    if not result.is_finite():
        raise ApplicationError(_("{what} must be a number.").format(what=what), field=FIELD)
    return result


def _num_out(value: Decimal):
    """JSON-friendly number: an int when whole, else a float rounded to hundredths."""
    return int(value) if value == value.to_integral_value() else float(value.quantize(CENT))


def validate_params(rule_kind: str, params, max_points) -> dict:
    """Check ``params`` for ``rule_kind`` against the item's points; return them normalised."""
    if rule_kind not in RuleKind.values:
        raise ApplicationError(_("Choose a known scoring rule."), field="rule_kind")
    params = params or {}
    if not isinstance(params, dict):
        raise ApplicationError(_("The rule parameters must be a mapping."), field=FIELD)
    max_points = _dec(max_points, _("The item's points"))
    if max_points < 0:
        raise ApplicationError(_("The item's points cannot be negative."), field="points")

    if rule_kind == RuleKind.MANUAL:
        return {}
    if rule_kind == RuleKind.ALL_OR_NOTHING:
        minimum = _dec(params.get("min", 1), _("The minimum"))
        if minimum < 0:
            raise ApplicationError(_("The minimum cannot be negative."), field=FIELD)
        return {"min": _num_out(minimum)}
    if rule_kind == RuleKind.BANDS:
        bands = params.get("bands")
        if not isinstance(bands, list | tuple) or not bands:
            raise ApplicationError(_("Give at least one band (threshold and points)."), field=FIELD)
        out = []
        last_threshold = last_points = None
        for band in bands:
            if not isinstance(band, list | tuple) or len(band) != 2:
                raise ApplicationError(_("Each band is a pair of threshold and points."), field=FIELD)
            threshold = _dec(band[0], _("A band's threshold"))
            points = _dec(band[1], _("A band's points"))
            if points < 0 or points > max_points:
                raise ApplicationError(
                    _("A band's points must lie between 0 and the item's {max} points.").format(
                        max=_num_out(max_points)
                    ),
                    field=FIELD,
                )
            if last_threshold is not None and threshold <= last_threshold:
                raise ApplicationError(_("Band thresholds must increase."), field=FIELD)
            if last_points is not None and points < last_points:
                raise ApplicationError(_("A higher band cannot give fewer points."), field=FIELD)
            last_threshold, last_points = threshold, points
            out.append([_num_out(threshold), _num_out(points)])
        return {"bands": out}
    if rule_kind == RuleKind.DEDUCT_PER_MISSING:
        required = _dec(params.get("required"), _("The required count"))
        deduct = _dec(params.get("deduct"), _("The deduction per missing occurrence"))
        if required < 1 or required != required.to_integral_value():
            raise ApplicationError(_("The required count must be a whole number of at least 1."), field=FIELD)
        if deduct <= 0 or deduct > max_points:
            raise ApplicationError(
                _("The deduction per missing occurrence must be above 0 and at most the item's points."),
                field=FIELD,
            )
        return {"required": int(required), "deduct": _num_out(deduct)}
    # RATE_THRESHOLD
    threshold = _dec(params.get("threshold"), _("The threshold"))
    if threshold <= 0 or threshold > 100:
        raise ApplicationError(_("The threshold is a rate in percent above 0 and at most 100."), field=FIELD)
    partial = params.get("partial") or ("linear" if "partial_from" in params else "none")
    if partial not in PARTIAL_MODES:
        raise ApplicationError(_("Partial credit is none, linear or per point."), field=FIELD)
    out = {"threshold": _num_out(threshold), "partial": partial}
    if partial == "linear":
        start = _dec(params.get("partial_from"), _("The rate where partial credit starts"))
        if start < 0 or start >= threshold:
            raise ApplicationError(
                _("Partial credit must start at a rate of 0 or more and below the threshold."), field=FIELD
            )
        out["partial_from"] = _num_out(start)
    elif partial == "per_point":
        deduct = _dec(params.get("deduct_per_point"), _("The deduction per percentage point"))
        if deduct <= 0:
            raise ApplicationError(_("The deduction per percentage point must be above 0."), field=FIELD)
        out["deduct_per_point"] = _num_out(deduct)
    return out


def _clamp(points: Decimal, max_points: Decimal) -> Decimal:
    return min(max(points, Decimal(0)), max_points).quantize(CENT, rounding=ROUND_HALF_UP)


def score(rule_kind: str, params, value, max_points) -> Decimal | None:
    """The points ``value`` earns under the rule, between 0 and ``max_points``; None for manual items or when
    there is no value to score."""
    params = validate_params(rule_kind, params, max_points)
    if rule_kind == RuleKind.MANUAL or value is None:
        return None
    max_points = _dec(max_points, "max_points")
    value = _dec(value, _("The measured value"))
    if rule_kind == RuleKind.ALL_OR_NOTHING:
        return _clamp(max_points if value >= Decimal(str(params["min"])) else Decimal(0), max_points)
    if rule_kind == RuleKind.BANDS:
        earned = Decimal(0)
        for threshold, points in params["bands"]:
            if value >= Decimal(str(threshold)):
                earned = Decimal(str(points))
        return _clamp(earned, max_points)
    if rule_kind == RuleKind.DEDUCT_PER_MISSING:
        missing = max(
            Decimal(params["required"]) - value.to_integral_value(rounding="ROUND_FLOOR"), Decimal(0)
        )
        return _clamp(max_points - missing * Decimal(str(params["deduct"])), max_points)
    threshold = Decimal(str(params["threshold"]))
    if value >= threshold:
        return _clamp(max_points, max_points)
    if params["partial"] == "linear":
        start = Decimal(str(params["partial_from"]))
        if value <= start:
            return _clamp(Decimal(0), max_points)
        return _clamp(max_points * (value - start) / (threshold - start), max_points)
    if params["partial"] == "per_point":
        return _clamp(max_points - (threshold - value) * Decimal(str(params["deduct_per_point"])), max_points)
    return _clamp(Decimal(0), max_points)


def needed_for_full(rule_kind: str, params, max_points):
    """The value that earns full points (for the gap list's "what would earn them"); None for manual items."""
    params = validate_params(rule_kind, params, max_points)
    if rule_kind == RuleKind.ALL_OR_NOTHING:
        return params["min"]
    if rule_kind == RuleKind.BANDS:
        top = max(points for _t, points in params["bands"])
        return next(threshold for threshold, points in params["bands"] if points == top)
    if rule_kind == RuleKind.DEDUCT_PER_MISSING:
        return params["required"]
    if rule_kind == RuleKind.RATE_THRESHOLD:
        return params["threshold"]
    return None


@dataclass(frozen=True)
class LeafScore:
    """One scored leaf for ``total``: its points (None = not scored yet, counts 0), its maximum, bonus or not."""

    points: Decimal | None
    max_points: Decimal
    is_bonus: bool = False


@dataclass(frozen=True)
class Total:
    score: Decimal  # regular items, each clamped to its maximum
    bonus: Decimal  # bonus items, capped by the system's bonus cap
    total: Decimal  # score + bonus
    pass_line: Decimal
    is_vetoed: bool
    is_passing: bool  # total reaches the pass line and no veto

    @property
    def shortfall(self) -> Decimal:
        return max(self.pass_line - self.total, Decimal(0))


def total(leaves: Iterable[LeafScore], *, pass_line, bonus_cap, is_vetoed: bool = False) -> Total:
    """Add the leaves: regular points and bonus points apart, bonus capped; a veto fails whatever the points."""
    regular = Decimal(0)
    bonus = Decimal(0)
    for leaf in leaves:
        if leaf.points is None:
            continue
        points = _clamp(_dec(leaf.points, "points"), _dec(leaf.max_points, "max_points"))
        if leaf.is_bonus:
            bonus += points
        else:
            regular += points
    bonus = min(bonus, _dec(bonus_cap, "bonus_cap"))
    pass_line = _dec(pass_line, "pass_line")
    grand = (regular + bonus).quantize(CENT)
    return Total(
        score=regular.quantize(CENT),
        bonus=bonus.quantize(CENT),
        total=grand,
        pass_line=pass_line,
        is_vetoed=is_vetoed,
        is_passing=(not is_vetoed) and grand >= pass_line,
    )
