"""Fast, exact prediction of depth-1 XGBoost models through one lookup table per feature.

A booster of single-split trees (the scorer's default, a boosted GAM) is a sum of one
step function per feature plus a constant on the margin scale. ``AdditiveModel.compile``
turns every tree's split and leaf values into those step functions: for a numeric feature
the sorted split thresholds and the summed leaf values of each interval between them (plus
the missing-value slot), for a categorical one the summed leaf values of each category code
(plus missing and out-of-range slots). Several boosters over the same attributes compile
into one model whose outputs sit side by side, so each feature is looked up once
(``searchsorted`` or ``take``) for all of them. The constant is read from XGBoost itself
(the margin of an all-missing row), so base-score conventions are never re-implemented.
Boosters with deeper trees, linear boosters or vector leaves do not compile (None), and
callers fall back to XGBoost's own predict.

Unknown values are neutral: ``with_neutral_unknowns`` sets the missing and unseen slots of
each categorical table to the weighted mean of its known categories, so a value without
history moves the prediction by exactly the average effect (it contributes nothing).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xgboost as xgb

CATEGORICAL_SPLIT = 1


@dataclass(frozen=True)
class StepFunction:
    """One feature's contribution to the margin, one column per output.

    Numeric: ``values[i]`` applies when exactly i thresholds are <= x; ``values[-1]`` is
    the missing slot. Categorical: ``values[code]``, then the missing slot
    (``values[-2]``) and the slot of codes no split has seen (``values[-1]``).
    """

    categorical: bool
    thresholds: np.ndarray
    values: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        return self.values[-2 if self.categorical else -1]

    def index(self, x: np.ndarray) -> np.ndarray:
        """The table row that applies to each feature value in X."""
        if self.categorical:
            codes = len(self.values) - 2
            index = np.where((x >= 0) & (x < codes), x, codes + 1).astype(np.intp)
            index[np.isnan(x)] = codes
            return index
        index = np.searchsorted(self.thresholds, x, side="right")
        index[np.isnan(x)] = len(self.values) - 1
        return index

    def regrid(self, thresholds: np.ndarray, codes: int) -> np.ndarray:
        """This function's values on a finer grid (a superset of its thresholds or codes)."""
        if self.categorical:
            own = len(self.values) - 2
            rows = np.r_[np.arange(codes), own, own + 1]
            rows[:codes][rows[:codes] >= own] = own + 1
            return self.values[rows]
        below = np.searchsorted(self.thresholds, thresholds, side="right")
        return self.values[np.r_[0, below, len(self.values) - 1]]


def _model_json(booster: xgb.Booster) -> dict[str, Any]:
    return json.loads(bytes(booster.save_raw("json")))


def _is_stump_forest(model: dict[str, Any]) -> bool:
    booster = model["learner"]["gradient_booster"]
    if booster.get("name") != "gbtree" or "model" not in booster:
        return False
    for tree in booster["model"]["trees"]:
        if int(tree["tree_param"].get("size_leaf_vector", "1")) > 1:
            return False
        children = tree["left_children"]
        if len(children) > 1 and (
            children[children[0]] != -1 or children[tree["right_children"][0]] != -1
        ):
            return False
    return True


def _right_categories(tree: dict[str, Any]) -> list[int]:
    """The categories the root's categorical split sends right (XGBoost's convention)."""
    nodes = tree.get("categories_nodes", [])
    if 0 not in nodes:
        return []
    at = nodes.index(0)
    start, size = tree["categories_segments"][at], tree["categories_sizes"][at]
    return [int(c) for c in tree["categories"][start : start + size]]


def _numeric_step(splits: list[tuple], groups: int) -> StepFunction:
    thresholds = np.unique(np.array([s[0] for s in splits], dtype=np.float32))
    values = np.zeros((thresholds.size + 2, groups))
    for threshold, left, right, default_left, group in splits:
        at = int(np.searchsorted(thresholds, np.float32(threshold)))
        values[: at + 1, group] += left
        values[at + 1 : thresholds.size + 1, group] += right
        values[-1, group] += left if default_left else right
    return StepFunction(False, thresholds, values)


def _categorical_step(splits: list[tuple], groups: int, n_codes: int) -> StepFunction:
    codes = max([n_codes] + [max(s[0], default=-1) + 1 for s in splits])
    values = np.zeros((codes + 2, groups))
    for right_codes, left, right, default_left, group in splits:
        goes_right = np.zeros(codes + 2, dtype=bool)
        goes_right[right_codes] = True
        values[:, group] += np.where(goes_right, right, left)
        values[codes, group] += (left if default_left else right) - left
    return StepFunction(True, np.empty(0, dtype=np.float32), values)


def booster_steps(
    booster: xgb.Booster, names: list[str], types: list[str], n_codes: Mapping[str, int]
) -> tuple[np.ndarray, dict[str, StepFunction]] | None:
    """(constant, step function per feature name) of a depth-1 BOOSTER, else None.

    Args:
        booster: a trained gbtree booster whose matrix columns are NAMES.
        names, types: the matrix columns and their types ("c" categorical, "q" numeric).
        n_codes: known category codes per categorical name (each gets its own slot).
    """
    model = _model_json(booster)
    if not _is_stump_forest(model):
        return None
    forest = model["learner"]["gradient_booster"]["model"]
    groups = max(forest["tree_info"], default=0) + 1
    splits: dict[int, list[tuple]] = {}
    for tree, group in zip(forest["trees"], forest["tree_info"], strict=True):
        if len(tree["left_children"]) == 1:
            continue  # a lone leaf: part of the constant the probe below measures
        leaf = tree["split_conditions"]
        categorical = tree["split_type"][0] == CATEGORICAL_SPLIT
        splits.setdefault(tree["split_indices"][0], []).append(
            (
                _right_categories(tree) if categorical else leaf[0],
                leaf[tree["left_children"][0]],
                leaf[tree["right_children"][0]],
                bool(tree["default_left"][0]),
                group,
            )
        )
    steps = {
        names[f]: _categorical_step(rules, groups, n_codes.get(names[f], 0))
        if types[f] == "c"
        else _numeric_step(rules, groups)
        for f, rules in splits.items()
    }
    probe = np.full((1, len(names)), np.nan, dtype=np.float32)
    missing = np.asarray(booster.inplace_predict(probe, predict_type="margin"), np.float64)
    bias = missing.reshape(-1) - sum((s.missing for s in steps.values()), np.zeros(groups))
    return bias, steps


@dataclass(frozen=True)
class AdditiveModel:
    """Compiled depth-1 boosters: margins = bias + one table lookup per feature.

    ``outputs`` maps each booster's key to its columns in the margins.
    """

    bias: np.ndarray
    steps: dict[str, StepFunction]
    outputs: dict[str, slice]

    @classmethod
    def compile(
        cls,
        boosters: Mapping[str, tuple[xgb.Booster, list[str]]],
        types: Mapping[str, str],
        n_codes: Mapping[str, int],
    ) -> AdditiveModel | None:
        """One model from BOOSTERS (key -> (booster, its matrix column names)); None when
        any booster has deeper trees. TYPES: "c"/"q" per name; N_CODES: codes per name."""
        compiled = {}
        for key, (booster, names) in boosters.items():
            steps = booster_steps(booster, names, [types[n] for n in names], n_codes)
            if steps is None:
                return None
            compiled[key] = steps
        outputs, start = {}, 0
        for key, (bias, _) in compiled.items():
            outputs[key] = slice(start, start + bias.size)
            start += bias.size
        bias = np.concatenate([b for b, _ in compiled.values()])
        merged = {}
        for name in sorted({n for _, steps in compiled.values() for n in steps}):
            merged[name] = cls._merge(
                [(outputs[k], s[name]) for k, (_, s) in compiled.items() if name in s], start
            )
        return cls(bias, merged, outputs)

    @staticmethod
    def _merge(parts: list[tuple[slice, StepFunction]], width: int) -> StepFunction:
        categorical = parts[0][1].categorical
        if categorical:
            thresholds = np.empty(0, dtype=np.float32)
            codes = max(len(step.values) - 2 for _, step in parts)
            values = np.zeros((codes + 2, width))
        else:
            thresholds = np.unique(np.concatenate([step.thresholds for _, step in parts]))
            codes = 0
            values = np.zeros((thresholds.size + 2, width))
        for columns, step in parts:
            values[:, columns] = step.regrid(thresholds, codes)
        return StepFunction(categorical, thresholds, values)

    def with_neutral_unknowns(self, weights: Mapping[str, Sequence[float]]) -> AdditiveModel:
        """This model with each categorical feature's missing and unseen slots set to the
        WEIGHTS-weighted mean (training impressions per category code) of its known codes."""
        steps = dict(self.steps)
        for name, raw in weights.items():
            step = steps.get(name)
            if step is None or not step.categorical or not len(raw):
                continue
            weight = np.asarray(raw, float)
            known = step.values[: weight.size]
            if weight.sum() <= 0:
                weight = np.ones(weight.size)
            centre = (weight[:, None] * known).sum(axis=0) / weight.sum()
            values = step.values.copy()
            values[-2:] = centre
            steps[name] = StepFunction(True, step.thresholds, values)
        return replace(self, steps=steps)

    def terms(self, columns: Mapping[str, np.ndarray], key: str) -> dict[str, np.ndarray]:
        """Each feature's margin term for booster KEY's first output, per row."""
        at = self.outputs[key].start
        return {
            name: step.values[:, at][step.index(columns[name])] for name, step in self.steps.items()
        }

    def margins(self, columns: Mapping[str, np.ndarray], key: str | None = None) -> np.ndarray:
        """Margins of rows given their matrix COLUMNS by name (float32, NaN = missing):
        shape (rows, outputs), or only booster KEY's outputs."""
        wanted = self.outputs[key] if key else slice(None)
        rows = len(next(iter(columns.values())))
        total = np.tile(self.bias[wanted], (rows, 1))
        for name, step in self.steps.items():
            total += step.values[:, wanted][step.index(columns[name])]
        return total
