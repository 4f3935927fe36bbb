"""The demo's true CTR/CVR functions: documented directions and plausible ranges."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from creative_workbench.demo import copy, truth
from creative_workbench.demo.creatives import AUDIENCES, plan_creatives

BASE = {
    "ad_format": "video",
    "aspect": "9:16",
    "duration_s": 8.0,
    "placement": "meta_reels",
    "angle": "quality_performance",
    "cta": "Shop now",
    "offer": "none",
    "hook": "Built for race day.",
    "palette_adherence": 0.5,
    "logo_time_s": 5.0,
    "audience": "broad",
}


def frame_varying(column: str, values: list) -> pl.DataFrame:
    rows = [BASE | {column: value} for value in values]
    return pl.DataFrame(
        rows, schema_overrides={"duration_s": pl.Float64, "logo_time_s": pl.Float64}
    )


def test_reference_creative_matches_intercept():
    ctr = truth.true_ctr(frame_varying("ad_format", ["video"]))
    expected = 1 / (
        1 + np.exp(-(truth.CTR_INTERCEPT + truth.CTR_EFFECTS["placement"]["meta_reels"]))
    )
    assert ctr[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("palette_adherence", [0.0, 0.25, 0.5, 0.75, 1.0]),
        ("audience", ["broad", "interest_runners", "lookalike_purchasers", "retargeting_visitors"]),
        ("logo_time_s", [None, 8.0, 2.0]),
    ],
)
def test_ctr_increases_in_documented_direction(column, values):
    ctr = truth.true_ctr(frame_varying(column, values))
    assert np.all(np.diff(ctr) > 0), ctr


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("duration_s", [10.0, 15.0, 20.0, 30.0]),
        (
            "hook",
            [
                "Own the night.",
                "Own the night and every single mile",
                "Own the night and every single mile you run this long winter",
            ],
        ),
    ],
)
def test_ctr_decreases_in_documented_direction(column, values):
    ctr = truth.true_ctr(frame_varying(column, values))
    assert np.all(np.diff(ctr) < 0), ctr


def test_duration_penalty_is_capped_and_video_only():
    short = truth.true_ctr(frame_varying("duration_s", [6.0, 10.0]))
    assert short[0] == pytest.approx(short[1])
    long = truth.true_ctr(frame_varying("duration_s", [30.0, 60.0]))
    assert long[0] == pytest.approx(long[1])
    images = frame_varying("duration_s", [8.0, 60.0]).with_columns(ad_format=pl.lit("image"))
    ctr = truth.true_ctr(images)
    assert ctr[0] == pytest.approx(ctr[1])


def test_native_aspect_beats_misfit():
    ctr = truth.true_ctr(frame_varying("aspect", ["9:16", "16:9"]))
    assert ctr[0] > ctr[1]
    assert truth.aspect_fit(frame_varying("aspect", ["9:16", "16:9"])).tolist() == [True, False]


def test_offers_raise_conversion_rate_and_retargeting_converts_best():
    offers = truth.true_cvr(frame_varying("offer", list(copy.OFFERS)))
    assert offers[0] == offers.min()
    audiences = truth.true_cvr(frame_varying("audience", list(AUDIENCES)))
    assert np.all(np.diff(audiences) > 0)


def test_unknown_levels_count_as_reference():
    ctr = truth.true_ctr(frame_varying("cta", ["Shop now", "Totally new CTA"]))
    assert ctr[0] == pytest.approx(ctr[1])


def test_rates_plausible_over_random_attribute_combinations():
    rng = np.random.default_rng(0)
    n = 20_000
    frame = pl.DataFrame(
        {
            "ad_format": rng.choice(["video", "image", "carousel"], n),
            "aspect": rng.choice(["9:16", "4:5", "1:1", "16:9"], n),
            "duration_s": rng.uniform(3, 90, n),
            "placement": rng.choice(list(truth.NATIVE_ASPECTS), n),
            "angle": rng.choice(copy.ANGLES, n),
            "cta": rng.choice(copy.CTAS, n),
            "offer": rng.choice(copy.OFFERS, n),
            "hook": [" ".join(["word"] * k) for k in rng.integers(1, 25, n)],
            "palette_adherence": rng.uniform(0, 1, n),
            "logo_time_s": np.where(rng.random(n) < 0.2, np.nan, rng.uniform(0, 15, n)),
            "audience": rng.choice(AUDIENCES, n),
        },
        nan_to_null=True,
    )
    ctr, cvr = truth.true_ctr(frame), truth.true_cvr(frame)
    assert ctr.min() >= 0.002 and ctr.max() <= 0.05
    assert cvr.min() >= 0.005 and cvr.max() <= 0.15


def test_demo_creatives_rates_in_range():
    creatives = plan_creatives(7)
    ctr = truth.true_ctr(creatives)
    assert ctr.min() >= 0.002 and ctr.max() <= 0.05
    assert 0.008 < ctr.mean() < 0.03


def test_daily_multiplier_weekends_higher_and_fatigue_decays():
    weekday = np.arange(7)
    dow = truth.daily_ctr_multiplier(weekday, np.zeros(7))
    assert dow[5:].min() > dow[:5].max()
    fatigue = truth.daily_ctr_multiplier(np.zeros(4, int), np.array([0, 30, 90, 365]))
    assert np.all(np.diff(fatigue) < 0)
    assert fatigue[-1] >= truth.FATIGUE_FLOOR * min(truth.DOW_CTR_MULTIPLIER)


def test_markdown_documents_every_coefficient():
    text = truth.truth_markdown()
    for effects in (truth.CTR_EFFECTS, truth.CVR_EFFECTS):
        for column, levels in effects.items():
            for level, value in levels.items():
                assert f"| {column} | {level} | {value:+.3f} |" in text
    for constant in (truth.ASPECT_MISFIT, truth.DURATION_PER_S, truth.HOOK_PER_WORD):
        assert f"{constant:+.3f}" in text
