"""CreativeScorer conventions, baselines, metrics, shrinkage, explanations, registry, budget."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from creative_workbench.config import QAThresholds
from creative_workbench.errors import DataError
from creative_workbench.scoring import evaluation as ev
from creative_workbench.scoring import registry
from creative_workbench.scoring.allocation import beta_from_interval, split_budget
from creative_workbench.scoring.baselines import baseline_models
from creative_workbench.scoring.explain import global_importance, top_reasons
from creative_workbench.scoring.features import (
    CREATIVE_FEATURES,
    add_creative_features,
    add_delivery_features,
)
from creative_workbench.scoring.scorer import CreativeScorer
from creative_workbench.scoring.shrinkage import fit_beta_prior, posterior_interval, shrunk_rate

ANGLES = ["social_proof", "price_offer", "convenience"]


def history(creatives: int = 60, days: int = 20, seed: int = 0, spread: int = 60) -> pl.DataFrame:
    """Creative-day rows whose CTR depends on angle and audience (known truth)."""
    rng = np.random.default_rng(seed)
    launch = [
        dt.date(2026, 1, 5) + dt.timedelta(days=int(d)) for d in rng.integers(0, 60, creatives)
    ]
    base = pl.DataFrame(
        {
            "creative_id": [f"C{i:03d}" for i in range(creatives)],
            "ad_format": rng.choice(["video", "image"], creatives),
            "aspect": rng.choice(["9:16", "4:5"], creatives),
            "placement": rng.choice(["meta_reels", "meta_feed"], creatives),
            "angle": rng.choice(ANGLES, creatives),
            "cta": rng.choice(["Shop now", "Learn more"], creatives),
            "offer": rng.choice(["none", "discount"], creatives),
            "audience": rng.choice(["broad", "retargeting"], creatives),
            "duration_s": rng.choice([6.0, 15.0, 30.0], creatives),
            "hook_words": rng.integers(3, 12, creatives).astype(float),
            "palette_adherence": rng.uniform(0.3, 1.0, creatives),
            "logo_time_s": rng.choice([1.0, 5.0, np.nan], creatives),
            "has_question": rng.integers(0, 2, creatives).astype(float),
            "has_numbers": rng.integers(0, 2, creatives).astype(float),
            "launch_date": launch,
        },
        nan_to_null=True,
    )
    logit = (
        -4.2
        + 0.5 * (base["angle"] == "social_proof").to_numpy()
        + 0.6 * (base["audience"] == "retargeting").to_numpy()
    )
    base = base.with_columns(pl.Series("_ctr", 1 / (1 + np.exp(-logit))))
    rows = base.join(pl.DataFrame({"day": list(range(days))}), how="cross").with_columns(
        (pl.col("launch_date") + pl.duration(days=pl.col("day"))).alias("period_start")
    )
    n = rng.integers(2000, 6000, rows.height)
    clicks = rng.binomial(n, rows["_ctr"].to_numpy())
    rows = rows.with_columns(
        pl.Series("impressions", n),
        pl.Series("clicks", clicks),
        pl.Series("conversions", rng.binomial(clicks, 0.05)),
        pl.col("period_start").alias("period_end"),
    )
    early = QAThresholds().brand_early_s  # the project default
    return add_delivery_features(add_creative_features(rows, early)).drop("day", "_ctr")


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    return history()


@pytest.fixture(scope="module")
def fitted(rows) -> CreativeScorer:
    return CreativeScorer(n_estimators=200, interval_estimators=30).fit(rows)


def test_sklearn_conventions(rows):
    scorer = CreativeScorer(n_estimators=50, max_depth=2)
    assert scorer.get_params()["max_depth"] == 2
    assert not [k for k in vars(scorer) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        scorer.predict(rows)
    copy = clone(scorer)
    assert copy.get_params() == scorer.get_params() and copy is not scorer
    assert scorer.fit(rows) is scorer
    assert scorer.n_features_in_ == len(CREATIVE_FEATURES.columns)
    with pytest.raises(NotFittedError):
        copy.predict_rate(rows)


def test_predictions_have_intervals_and_learn_the_truth(rows, fitted):
    predicted = fitted.predict(rows)
    assert predicted.columns == ["ctr", "ctr_lower", "ctr_upper", "cvr", "cvr_lower", "cvr_upper"]
    assert (predicted["ctr_lower"] <= predicted["ctr"]).all()
    assert (predicted["ctr"] <= predicted["ctr_upper"]).all()
    social = rows["angle"].to_numpy() == "social_proof"
    ctr = predicted["ctr"].to_numpy()
    assert ctr[social].mean() > ctr[~social].mean() * 1.3
    top = global_importance(fitted, rows).get_column("attribute").head(2).to_list()
    assert set(top) == {"angle", "audience"}


def test_too_little_data_says_how_much_is_needed(rows):
    few = rows.filter(pl.col("creative_id").is_in(["C000", "C001", "C002"]))
    with pytest.raises(
        DataError,
        match=r"3 creatives .* need at least 30 creatives and 200 "
        r"clicks",
    ):
        CreativeScorer().fit(few)


def test_contributions_sum_to_the_prediction_and_read_as_words(rows, fitted):
    sample = rows.head(5)
    contributions = fitted.contributions(sample)
    margin = np.log(fitted.predict_rate(sample) / (1 - fitted.predict_rate(sample)))
    assert contributions.sum(axis=1) == pytest.approx(margin, abs=1e-4)
    reasons = top_reasons(fitted, sample, k=2)
    assert reasons.height == sample.select(pl.col("creative_id").n_unique()).item()
    assert all(
        " = " in r and ("raises" in r or "lowers" in r) for r in reasons["reasons"].explode()
    )


def test_registry_round_trip_and_promotion(tmp_path, rows, fitted):
    card = {
        "created_at": "2026-03-01T00:00:00+00:00",
        "created_by": "analyst",
        "training": {"rows": rows.height, "data_hash": registry.data_hash(rows)},
        "metrics": {"ctr": {"model": {"log_loss": 0.05}, "best_baseline_log_loss": 0.06}},
    }
    first = registry.save_model(tmp_path, fitted, card)
    second = registry.save_model(tmp_path, fitted, card)
    assert (first, second) == ("v0001", "v0002")
    files = {p.name for p in (tmp_path / first).iterdir()}
    assert {"model.ubj", "cvr.ubj", "card.json", "scorer.json"} <= files
    assert not [p for p in tmp_path.rglob("*") if p.suffix in {".pkl", ".pickle"}]
    with pytest.raises(DataError, match="no promoted model"):
        registry.load_model(tmp_path)
    registry.promote(tmp_path, first, "Maya Okafor", "2026-03-02T00:00:00+00:00")
    loaded, loaded_card = registry.load_model(tmp_path)
    assert loaded_card["version"] == first and loaded_card["created_by"] == "analyst"
    assert loaded.predict(rows).equals(fitted.predict(rows))
    listing = registry.list_models(tmp_path)
    assert listing["promoted"].to_list() == [True, False]
    with pytest.raises(DataError, match="no model version 'v0009'; known: v0001, v0002"):
        registry.read_card(tmp_path, "v0009")
    assert json.loads((tmp_path / "promoted.json").read_text())["promoted_by"] == "Maya Okafor"
    assert registry.data_hash(rows) == registry.data_hash(rows.reverse())


def test_baselines_and_time_split_without_leakage():
    rows = history(creatives=120, days=10, seed=2, spread=40)
    split = ev.time_split(rows, test_weeks=4)
    assert split.test["creative_id"].n_unique() >= 30
    train_ids = set(split.train["creative_id"])
    assert not train_ids & set(split.test["creative_id"])
    assert split.train["period_end"].max() < split.cutoff <= split.test["launch_date"].min()
    models = {
        "model": CreativeScorer(n_estimators=200, interval_estimators=20),
        **baseline_models(),
    }
    table = ev.compare(models, split.train, split.test, "ctr")
    losses = dict(zip(table["model"], table["log_loss"], strict=True))
    assert losses["model"] < losses["global rate"]
    assert table.filter(pl.col("model") == "model")["coverage"].item() > 0.5


def test_metrics_on_known_values():
    rate = np.array([0.1, 0.2])
    assert ev.weighted_log_loss(rate, np.array([1, 2]), np.array([10, 10])) == pytest.approx(
        -(np.log(0.1) + 9 * np.log(0.9) + 2 * np.log(0.2) + 8 * np.log(0.8)) / 20
    )
    assert ev.click_auc(rate, np.array([0, 5]), np.array([10, 10])) == pytest.approx(62.5 / 75)
    assert ev.top_quintile_precision(np.arange(10.0), np.arange(10.0)) == 1.0
    table = ev.calibration_table(np.array([0.1, 0.1]), np.array([1, 1]), np.array([10, 10]))
    assert ev.expected_calibration_error(table) == pytest.approx(0.0)
    assert ev.gap_closed(0.9, 1.0, 0.5) == pytest.approx(0.2)


def test_shrinkage_pulls_small_samples_toward_the_prior():
    rng = np.random.default_rng(1)
    trials = rng.integers(1000, 5000, 200)
    successes = rng.binomial(trials, rng.beta(20, 980, 200))
    prior = fit_beta_prior(successes, trials)
    assert 0.015 < prior.mean < 0.025
    small = shrunk_rate(np.array([3]), np.array([100]), prior)[0]
    assert prior.mean < small < 0.03
    lower, upper = posterior_interval(np.array([3]), np.array([100]), prior)
    assert lower[0] < small < upper[0]


def test_budget_split_concentrates_on_likely_winners_but_explores():
    mean = np.array([0.02, 0.01, 0.01])
    alpha, beta = beta_from_interval(mean, mean * 0.9, mean * 1.1)
    assert alpha / (alpha + beta) == pytest.approx(mean)
    amounts, p_best = split_budget(1000.0, alpha, beta, explore=0.3)
    assert amounts.sum() == pytest.approx(1000.0)
    assert p_best[0] > 0.95 and amounts[0] > 700 and amounts[1:].min() >= 99
