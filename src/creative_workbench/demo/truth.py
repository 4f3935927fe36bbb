"""The demo market's true click-through and conversion rates of a creative's attributes.

The demo's daily performance is simulated from these functions, so a scoring model trained on
the demo data can be checked against the truth. Both rates are logistic models::

    logit(true_ctr) = CTR_INTERCEPT + sum of the CTR effects below
    logit(true_cvr) = CVR_INTERCEPT + sum of the CVR effects below

CTR effects (log-odds; CTR_INTERCEPT = -4.45, i.e. 1.15 % for the reference creative: a video,
native aspect, 10 s or shorter, quality/performance angle, "Shop now", no offer, hook of at most
6 words, palette adherence 0.5, logo shown late, broad audience, Meta feed):

- ad_format: video 0, image -0.10, carousel +0.08
- aspect fit: -0.35 when the aspect is not native to the placement (meta_feed 1:1/4:5,
  meta_stories and meta_reels 9:16)
- duration_s (video only): -0.025 per second above 10 s, at most -0.50 (from 30 s)
- angle: price_offer +0.15, quality_performance 0, emotion_aspiration +0.05,
  provocation_challenger +0.10, social_proof +0.20, urgency_scarcity +0.12, convenience -0.05,
  values_sustainability +0.08
- cta: Shop now 0, Get offer +0.12, Learn more -0.15, Sign up -0.10, Download -0.20,
  Book now -0.05
- offer: none 0, discount +0.18, free_shipping +0.08, trial +0.05, bundle +0.04,
  price_point +0.06
- hook: -0.04 per word above 6 words, at most -0.32
- palette_adherence: +0.40 x (adherence - 0.5)
- logo: +0.12 when logo_time_s <= 3 (brand early), -0.12 when there is no logo, 0 otherwise
- audience: broad 0, interest_runners +0.15, lookalike_purchasers +0.25,
  retargeting_visitors +0.55
- placement: meta_feed 0, meta_stories -0.10, meta_reels +0.05

CVR effects (conversions per link click; CVR_INTERCEPT = -3.40, i.e. 3.2 %):

- offer: none 0, discount +0.35, free_shipping +0.20, trial +0.10, bundle +0.15,
  price_point +0.10
- audience: broad 0, interest_runners +0.10, lookalike_purchasers +0.25,
  retargeting_visitors +0.60
- cta: Shop now +0.10, Get offer +0.15, Learn more -0.30, Sign up -0.20, Download -0.35,
  Book now -0.10
- angle: price_offer +0.10, urgency_scarcity +0.10, social_proof +0.10,
  provocation_challenger -0.10, emotion_aspiration -0.05, others 0
- palette_adherence: +0.20 x (adherence - 0.5)

Daily effects (applied by the performance simulation, not by true_ctr):

- day of week: CTR multiplied by DOW_CTR_MULTIPLIER (Mon..Sun), weekends higher
- fatigue: CTR multiplied by FATIGUE_FLOOR + (1 - FATIGUE_FLOOR) x exp(-age_days / 45)
- day noise: CTR multiplied by a log-normal factor (sigma 0.10) per creative-day
- clicks ~ Binomial(impressions, daily CTR); conversions ~ Binomial(clicks, true_cvr)

Unknown category values contribute 0 (the reference level).
"""

from __future__ import annotations

import numpy as np
import polars as pl

CTR_INTERCEPT = -4.45
CVR_INTERCEPT = -3.40

NATIVE_ASPECTS: dict[str, tuple[str, ...]] = {
    "meta_feed": ("1:1", "4:5"),
    "meta_stories": ("9:16",),
    "meta_reels": ("9:16",),
}
ASPECT_MISFIT = -0.35
DURATION_FREE_S = 10.0
DURATION_PER_S = -0.025
DURATION_MAX_PENALTY = -0.50
HOOK_FREE_WORDS = 6
HOOK_PER_WORD = -0.04
HOOK_MAX_PENALTY = -0.32
PALETTE_CTR = 0.40
PALETTE_CVR = 0.20
LOGO_EARLY_S = 3.0
LOGO_EARLY = 0.12
LOGO_MISSING = -0.12

CTR_EFFECTS: dict[str, dict[str, float]] = {
    "ad_format": {"video": 0.0, "image": -0.10, "carousel": 0.08},
    "angle": {
        "price_offer": 0.15,
        "quality_performance": 0.0,
        "emotion_aspiration": 0.05,
        "provocation_challenger": 0.10,
        "social_proof": 0.20,
        "urgency_scarcity": 0.12,
        "convenience": -0.05,
        "values_sustainability": 0.08,
    },
    "cta": {
        "Shop now": 0.0,
        "Get offer": 0.12,
        "Learn more": -0.15,
        "Sign up": -0.10,
        "Download": -0.20,
        "Book now": -0.05,
    },
    "offer": {
        "none": 0.0,
        "discount": 0.18,
        "free_shipping": 0.08,
        "trial": 0.05,
        "bundle": 0.04,
        "price_point": 0.06,
    },
    "audience": {
        "broad": 0.0,
        "interest_runners": 0.15,
        "lookalike_purchasers": 0.25,
        "retargeting_visitors": 0.55,
    },
    "placement": {"meta_feed": 0.0, "meta_stories": -0.10, "meta_reels": 0.05},
}

CVR_EFFECTS: dict[str, dict[str, float]] = {
    "offer": {
        "none": 0.0,
        "discount": 0.35,
        "free_shipping": 0.20,
        "trial": 0.10,
        "bundle": 0.15,
        "price_point": 0.10,
    },
    "audience": {
        "broad": 0.0,
        "interest_runners": 0.10,
        "lookalike_purchasers": 0.25,
        "retargeting_visitors": 0.60,
    },
    "cta": {
        "Shop now": 0.10,
        "Get offer": 0.15,
        "Learn more": -0.30,
        "Sign up": -0.20,
        "Download": -0.35,
        "Book now": -0.10,
    },
    "angle": {
        "price_offer": 0.10,
        "urgency_scarcity": 0.10,
        "social_proof": 0.10,
        "provocation_challenger": -0.10,
        "emotion_aspiration": -0.05,
    },
}

DOW_CTR_MULTIPLIER = (0.97, 0.96, 0.97, 0.99, 1.01, 1.05, 1.06)
FATIGUE_FLOOR = 0.70
FATIGUE_DAYS = 45.0
DAY_NOISE_SIGMA = 0.10


def _categorical(frame: pl.DataFrame, column: str, effects: dict[str, float]) -> np.ndarray:
    values = frame.get_column(column).cast(pl.Utf8)
    return values.replace_strict(effects, default=0.0, return_dtype=pl.Float64).to_numpy()


def _hook_words(frame: pl.DataFrame) -> np.ndarray:
    counts = frame.get_column("hook").cast(pl.Utf8).fill_null("").str.count_matches(r"\S+")
    return counts.cast(pl.Float64).to_numpy()


def aspect_fit(frame: pl.DataFrame) -> np.ndarray:
    """True where the creative's aspect is native to its placement (unknown placements fit)."""
    native = [f"{p}|{a}" for p, aspects in NATIVE_ASPECTS.items() for a in aspects]
    placement = pl.col("placement").cast(pl.Utf8)
    fits = frame.select(
        pl.concat_str([placement, pl.col("aspect")], separator="|").is_in(native)
        | ~placement.is_in(list(NATIVE_ASPECTS))
    )
    return fits.to_series().fill_null(True).to_numpy()


def ctr_logit(frame: pl.DataFrame) -> np.ndarray:
    """Log-odds of the true CTR for each creative row (columns as in CreativesSchema)."""
    logit = np.full(frame.height, CTR_INTERCEPT)
    for column, effects in CTR_EFFECTS.items():
        logit += _categorical(frame, column, effects)
    logit += np.where(aspect_fit(frame), 0.0, ASPECT_MISFIT)
    is_video = frame.get_column("ad_format").to_numpy() == "video"
    duration = frame.get_column("duration_s").cast(pl.Float64).fill_null(0.0).to_numpy()
    over = np.maximum(duration - DURATION_FREE_S, 0.0)
    logit += np.where(is_video, np.maximum(over * DURATION_PER_S, DURATION_MAX_PENALTY), 0.0)
    extra_words = np.maximum(_hook_words(frame) - HOOK_FREE_WORDS, 0.0)
    logit += np.maximum(extra_words * HOOK_PER_WORD, HOOK_MAX_PENALTY)
    adherence = frame.get_column("palette_adherence").cast(pl.Float64).to_numpy()
    logit += PALETTE_CTR * (adherence - 0.5)
    logo = frame.get_column("logo_time_s").cast(pl.Float64).to_numpy()
    logit += np.where(np.isnan(logo), LOGO_MISSING, np.where(logo <= LOGO_EARLY_S, LOGO_EARLY, 0))
    return logit


def cvr_logit(frame: pl.DataFrame) -> np.ndarray:
    """Log-odds of the true conversion rate per link click for each creative row."""
    logit = np.full(frame.height, CVR_INTERCEPT)
    for column, effects in CVR_EFFECTS.items():
        logit += _categorical(frame, column, effects)
    adherence = frame.get_column("palette_adherence").cast(pl.Float64).to_numpy()
    return logit + PALETTE_CVR * (adherence - 0.5)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def true_ctr(frame: pl.DataFrame) -> np.ndarray:
    """True link CTR (a fraction, not %) of each creative; see the module docstring."""
    return _sigmoid(ctr_logit(frame))


def true_cvr(frame: pl.DataFrame) -> np.ndarray:
    """True conversions per link click of each creative; see the module docstring."""
    return _sigmoid(cvr_logit(frame))


def daily_ctr_multiplier(weekday: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """Day-of-week (0 = Monday) times fatigue multiplier for each creative-day."""
    dow = np.asarray(DOW_CTR_MULTIPLIER)[np.asarray(weekday)]
    fatigue = FATIGUE_FLOOR + (1 - FATIGUE_FLOOR) * np.exp(-np.asarray(age_days) / FATIGUE_DAYS)
    return dow * fatigue


def truth_markdown() -> str:
    """The documentation of the truth, generated from the coefficient tables above."""
    lines = [
        "# Demo performance truth",
        "",
        "The demo's daily Meta Ads Manager exports were simulated from this model",
        "(`creative_workbench.demo.truth`). A scorer trained on them should recover these",
        "directions; the noise makes exact recovery impossible.",
        "",
        "    logit(true_ctr) = CTR_INTERCEPT + effects;  logit(true_cvr) = CVR_INTERCEPT + effects",
        "",
        f"- CTR_INTERCEPT = {CTR_INTERCEPT} ({_sigmoid(np.array(CTR_INTERCEPT)):.2%})",
        f"- CVR_INTERCEPT = {CVR_INTERCEPT} ({_sigmoid(np.array(CVR_INTERCEPT)):.2%})",
        "",
        "## CTR effects (log-odds)",
        "",
    ]
    lines += _effect_table(CTR_EFFECTS)
    native = "; ".join(f"{p}: {', '.join(a)}" for p, a in NATIVE_ASPECTS.items())
    lines += [
        f"- aspect not native to the placement ({native}): {ASPECT_MISFIT:+.3f}",
        f"- video duration: {DURATION_PER_S:+.3f} per second above {DURATION_FREE_S:g} s, "
        f"at most {DURATION_MAX_PENALTY:+.3f}",
        f"- hook: {HOOK_PER_WORD:+.3f} per word above {HOOK_FREE_WORDS} words, "
        f"at most {HOOK_MAX_PENALTY:+.3f}",
        f"- palette adherence: {PALETTE_CTR:+.3f} x (adherence - 0.5)",
        f"- logo at or before {LOGO_EARLY_S:g} s: {LOGO_EARLY:+.3f}; no logo: {LOGO_MISSING:+.3f}",
        "",
        "## CVR effects (log-odds, conversions per link click)",
        "",
    ]
    lines += _effect_table(CVR_EFFECTS)
    lines += [
        f"- palette adherence: {PALETTE_CVR:+.3f} x (adherence - 0.5)",
        "",
        "## Daily effects",
        "",
        "- day of week (Mon..Sun) CTR multiplier: "
        + ", ".join(f"{m:.2f}" for m in DOW_CTR_MULTIPLIER),
        f"- fatigue: CTR x ({FATIGUE_FLOOR} + {1 - FATIGUE_FLOOR:.2f} x exp(-age_days / "
        f"{FATIGUE_DAYS:g}))",
        f"- day noise: CTR x lognormal(0, {DAY_NOISE_SIGMA})",
        "- clicks ~ Binomial(impressions, daily CTR); conversions ~ Binomial(clicks, true_cvr)",
        "",
        "Levels not listed contribute 0 (the reference level).",
        "",
    ]
    return "\n".join(lines)


def _effect_table(effects: dict[str, dict[str, float]]) -> list[str]:
    lines = ["| attribute | level | effect |", "|---|---|---|"]
    for column, levels in effects.items():
        lines += [f"| {column} | {level} | {value:+.3f} |" for level, value in levels.items()]
    return [*lines, ""]
