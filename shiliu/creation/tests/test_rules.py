"""Scoring rules: every rule kind, parameter validation, edge cases, bonus cap and veto."""

from decimal import Decimal as D

import pytest

from shiliu.core.errors import ApplicationError
from shiliu.creation.rules import LeafScore, needed_for_full, score, total, validate_params


def test_all_or_nothing():
    assert score("all_or_nothing", {}, True, 5) == D("5.00")
    assert score("all_or_nothing", {}, False, 5) == D("0.00")
    assert score("all_or_nothing", {"min": 2}, 1, 5) == D("0")
    assert score("all_or_nothing", {"min": 2}, 2, 5) == D("5")
    assert score("all_or_nothing", {}, None, 5) is None


def test_bands_take_the_highest_band_reached():
    params = {"bands": [[1, 2], [3, 4], [5, 6]]}
    assert score("bands", params, 0, 6) == 0
    assert score("bands", params, 1, 6) == 2
    assert score("bands", params, D("4.9"), 6) == 4
    assert score("bands", params, 100, 6) == 6


@pytest.mark.parametrize(
    "bands",
    [[], [[1]], [[2, 1], [1, 2]], [[1, 3], [2, 1]], [[1, 7]], [["x", 1]], "1,2"],
)
def test_bands_invalid(bands):
    with pytest.raises(ApplicationError) as err:
        validate_params("bands", {"bands": bands}, 6)
    assert err.value.field == "rule_params"


def test_deduct_per_missing_down_to_zero():
    params = {"required": 4, "deduct": 2}
    assert score("deduct_per_missing", params, 4, 8) == 8
    assert score("deduct_per_missing", params, 9, 8) == 8
    assert score("deduct_per_missing", params, 3, 8) == 6
    assert score("deduct_per_missing", params, D("3.7"), 8) == 6  # partial occurrences do not count
    assert score("deduct_per_missing", params, 1, 8) == 2
    assert score("deduct_per_missing", params, 0, 8) == 0
    assert score("deduct_per_missing", {"required": 10, "deduct": 3}, 0, 8) == 0  # never below zero


@pytest.mark.parametrize("params", [{"required": 0, "deduct": 1}, {"required": 2.5, "deduct": 1},
                                    {"required": 2, "deduct": 0}, {"required": 2, "deduct": 9}, {}])  # fmt: skip
def test_deduct_per_missing_invalid(params):
    with pytest.raises(ApplicationError):
        validate_params("deduct_per_missing", params, 8)


def test_rate_threshold_without_partial_credit():
    params = {"threshold": 90}
    assert score("rate_threshold", params, 90, 6) == 6
    assert score("rate_threshold", params, D("89.99"), 6) == 0


def test_rate_threshold_linear_partial_credit():
    params = {"threshold": 90, "partial_from": 60}
    assert validate_params("rate_threshold", params, 6)["partial"] == "linear"
    assert score("rate_threshold", params, 95, 6) == 6
    assert score("rate_threshold", params, 75, 6) == 3
    assert score("rate_threshold", params, 60, 6) == 0
    assert score("rate_threshold", params, 10, 6) == 0


def test_rate_threshold_per_point():
    params = {"threshold": 90, "partial": "per_point", "deduct_per_point": D("0.5")}
    assert score("rate_threshold", params, 88, 6) == 5
    assert score("rate_threshold", params, 50, 6) == 0


@pytest.mark.parametrize("params", [{"threshold": 0}, {"threshold": 101}, {"threshold": 90, "partial_from": 95},
                                    {"threshold": 90, "partial": "odd"},
                                    {"threshold": 90, "partial": "per_point"}])  # fmt: skip
def test_rate_threshold_invalid(params):
    with pytest.raises(ApplicationError):
        validate_params("rate_threshold", params, 6)


def test_manual_computes_nothing_and_unknown_rule_is_refused():
    assert score("manual", {}, 5, 5) is None
    with pytest.raises(ApplicationError) as err:
        validate_params("guess", {}, 5)
    assert err.value.field == "rule_kind"


def test_needed_for_full():
    assert needed_for_full("deduct_per_missing", {"required": 4, "deduct": 2}, 8) == 4
    assert needed_for_full("bands", {"bands": [[1, 2], [3, 6], [5, 6]]}, 6) == 3
    assert needed_for_full("rate_threshold", {"threshold": 90}, 6) == 90
    assert needed_for_full("manual", {}, 6) is None


def test_total_bonus_capped_and_kept_apart():
    leaves = [
        LeafScore(D(50), D(50)),
        LeafScore(D(38), D(50)),
        LeafScore(D(4), D(4), True),
        LeafScore(D(3), D(3), True),
    ]
    result = total(leaves, pass_line=90, bonus_cap=5)
    assert (result.score, result.bonus, result.total) == (D(88), D(5), D(93))
    assert result.is_passing and result.shortfall == 0


def test_total_clamps_points_to_the_item_and_skips_unscored():
    result = total([LeafScore(D(70), D(60)), LeafScore(None, D(40))], pass_line=90, bonus_cap=5)
    assert result.total == 60 and not result.is_passing and result.shortfall == 30


def test_veto_fails_whatever_the_points():
    result = total(
        [LeafScore(D(100), D(100)), LeafScore(D(5), D(5), True)], pass_line=90, bonus_cap=5, is_vetoed=True
    )
    assert result.total == 105
    assert result.is_vetoed and not result.is_passing
