"""Loudness range (LRA) per EBU Tech 3342: the spread of the gated short-term loudness."""

from __future__ import annotations

import numpy as np

from creative_workbench.qa.loudness import ABSOLUTE_GATE_LUFS, HOP_S, SHORT_TERM_S, KEnergy, lufs

LRA_RELATIVE_GATE_LU = -20.0
LRA_PERCENTILES = (10.0, 95.0)


def loudness_range_lu(energy: KEnergy) -> float:
    """LRA in LU: 3 s short-term blocks every 100 ms (Tech 3342 v3: >= 10 Hz), gated at
    -70 LUFS and then 20 LU under their power mean; the 95th minus the 10th percentile.
    0.0 when no whole block passes the gates (a track under 3 s or silent)."""
    power = energy.block_power(SHORT_TERM_S, HOP_S)
    power = power[lufs(power) >= ABSOLUTE_GATE_LUFS]
    if power.size == 0:
        return 0.0
    gate = float(lufs(power.mean())) + LRA_RELATIVE_GATE_LU
    levels = lufs(power)
    levels = levels[levels >= gate]
    low, high = np.percentile(levels, LRA_PERCENTILES)
    return float(high - low)
