"""Neutral unknowns for models that do not compile to lookup tables (deeper trees).

A categorical value the model has no history for (never seen, or seen in too few rows) must
contribute nothing. For an additive model that is the weighted mean of the attribute's known
effects (``AdditiveModel.with_neutral_unknowns``); for any model it is the expectation of the
prediction over the attribute's known values, weighted by their training impressions, taken
independently per unknown attribute. ``marginalise`` computes exactly that expectation by
predicting every combination of known values for the unknown cells and averaging.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

MAX_COMBINATIONS = 4096
MAX_BLOCK_ROWS = 1_000_000


def _distribution(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, float)
    if weights.size and weights.sum() > 0:
        return weights / weights.sum()
    return np.full(weights.size, 1.0 / max(weights.size, 1))


def combinations(sizes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every combination of codes of several columns (rows) and its probability, the
    product of each column's distribution; at most MAX_COMBINATIONS most likely."""
    grids = np.meshgrid(*[np.arange(p.size) for p in sizes], indexing="ij")
    codes = np.stack([g.reshape(-1) for g in grids], axis=1)
    probability = np.prod([p[codes[:, i]] for i, p in enumerate(sizes)], axis=0)
    if codes.shape[0] > MAX_COMBINATIONS:
        keep = np.argsort(-probability, kind="stable")[:MAX_COMBINATIONS]
        codes, probability = codes[keep], probability[keep]
    return codes.astype(np.float32), probability / probability.sum()


def marginalise(
    predict: Callable[[np.ndarray], np.ndarray],
    matrix: np.ndarray,
    categorical: Mapping[int, np.ndarray],
) -> np.ndarray:
    """PREDICT(MATRIX) with rows' unknown (NaN) categorical cells averaged over the known
    codes. CATEGORICAL: matrix column -> training weight per code."""
    result = np.asarray(predict(matrix), np.float64).copy()
    columns = [j for j in categorical if len(categorical[j]) and np.isnan(matrix[:, j]).any()]
    if not columns:
        return result
    flat = result.reshape(matrix.shape[0], -1)
    mask = np.isnan(matrix[:, columns])
    patterns, inverse = np.unique(mask, axis=0, return_inverse=True)
    for index, pattern in enumerate(patterns):
        if not pattern.any():
            continue
        unknown = [columns[i] for i in np.flatnonzero(pattern)]
        codes, probability = combinations([_distribution(categorical[j]) for j in unknown])
        rows = np.flatnonzero(inverse.reshape(-1) == index)
        step = max(1, MAX_BLOCK_ROWS // codes.shape[0])
        for start in range(0, rows.size, step):
            chunk = rows[start : start + step]
            block = np.repeat(matrix[chunk], codes.shape[0], axis=0)
            block[:, unknown] = np.tile(codes, (chunk.size, 1))
            values = np.asarray(predict(block), np.float64).reshape(chunk.size, codes.shape[0], -1)
            flat[chunk] = np.einsum("rck,c->rk", values, probability)
    return flat.reshape(result.shape)
