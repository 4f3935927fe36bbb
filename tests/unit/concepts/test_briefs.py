"""Briefs from white space: ranked, diverse, grounded in gaps, schema-checked, stored."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest

from creative_workbench.concepts import briefs as b
from creative_workbench.concepts.hooks import ANGLE_TEMPLATES, GENERIC_TEMPLATES, hook_lines
from creative_workbench.concepts.schemas import BriefsSchema
from creative_workbench.errors import DataError
from creative_workbench.schemas import validate
from tests.unit.concepts.gap_tables import ad_labels, gap_table

SETTINGS = dict(
    brand="Acme",
    cta_wording=["Shop now", "Sign up", "Get the app"],
    placements=["meta_feed", "meta_reels", "linkedin_feed"],
    aspects=["9:16", "4:5", "1:1", "16:9"],
    n=12,
    diversity=0.5,
    performance_weight=0.3,
    hooks_per_brief=3,
    evidence_per_gap=2,
)


def briefs(**changes) -> pl.DataFrame:
    return b.build_briefs(gap_table(), **{**SETTINGS, **changes})


def test_briefs_are_ranked_unique_and_valid():
    table = briefs(ad_labels=ad_labels())
    assert table.height == 12
    assert table.get_column("rank").to_list() == list(range(1, 13))
    assert table.get_column("brief_id").n_unique() == 12
    validate(table, BriefsSchema, "test")  # raises on any schema break
    first = table.row(0, named=True)
    assert first["gap_label"] == "values/sustainability"  # the largest gap leads
    assert first["headline"] == first["hooks"][0] and len(first["hooks"]) == 3


def test_every_brief_attacks_a_gap_and_uses_project_ctas():
    table = briefs()
    assert (table.get_column("opportunity") > 0).all()
    assert set(table.get_column("cta")) <= set(SETTINGS["cta_wording"])
    for row in table.iter_rows(named=True):
        assert f"{row['gap_dimension']}: {row['gap_label']}" == row["gaps"][0]
        assert "white space" in row["rationale"] and "strategist" in row["rationale"]


def test_diversity_spreads_angles_that_score_alone_would_repeat():
    plain = briefs(diversity=0.0)
    varied = briefs()
    top_plain = Counter(plain.get_column("angle")).most_common(1)[0][1]
    top_varied = Counter(varied.get_column("angle")).most_common(1)[0][1]
    assert top_plain == 12  # by score alone: twelve variations of one angle gap
    assert varied.get_column("angle").n_unique() >= 5
    assert top_varied <= 4
    assert varied.get_column("offer").n_unique() >= 2


def test_aspects_follow_each_placement():
    table = briefs()
    for row in table.iter_rows(named=True):
        expected = {"meta_feed": ["4:5", "1:1"], "meta_reels": ["9:16"]}.get(
            row["placement"], SETTINGS["aspects"]
        )
        assert row["aspects"] == expected
        if row["placement"] == "meta_reels":  # a placement that needs sound is video only
            assert row["format"] == "video"


def test_evidence_lists_ads_that_do_and_do_not_use_the_gap():
    table = briefs(ad_labels=ad_labels())
    row = table.filter(pl.col("gap_label") == "values/sustainability").row(0, named=True)
    assert row["evidence_using"] == ["meta:1", "meta:2"]  # longest-running first
    assert row["evidence_not_using"] == ["meta:3", "meta:4"]
    assert row["examples"] == ["A (9d): recycle"]


def test_predictions_with_intervals_and_unseen_values_flagged():
    seen: list[pl.DataFrame] = []

    def predict(rows: pl.DataFrame) -> pl.DataFrame:
        seen.append(rows)
        ctr = rows.get_column("cta").replace_strict(
            {"Shop now": 0.02, "Sign up": 0.01}, default=0.015, return_dtype=pl.Float64
        )
        return pl.DataFrame(
            {
                "ctr": ctr,
                "ctr_lower": ctr * 0.5,
                "ctr_upper": ctr * 1.5,
                "cvr": ctr / 2,
                "cvr_lower": ctr / 4,
                "cvr_upper": ctr,
                "new_values": rows.get_column("cta").map_elements(
                    lambda c: "CTA = Get the app" if c == "Get the app" else "",
                    return_dtype=pl.Utf8,
                ),
            }
        )

    table = briefs(predict=predict, prediction_source="model v0001")
    assert {"angle", "offer", "cta", "placement", "format", "aspect", "hook"} <= set(
        seen[0].columns
    )
    assert table.get_column("ctr").is_not_null().all()
    assert (table.get_column("ctr_lower") <= table.get_column("ctr")).all()
    flagged = table.filter(pl.col("cta") == "Get the app")
    assert flagged.height > 0
    assert flagged.get_column("prediction_note").str.contains("neutral: CTA = Get the app").all()
    assert table.get_column("prediction_note").str.starts_with("predicted by model v0001").all()


def test_without_a_model_predictions_are_empty_and_said_so():
    table = briefs()
    assert table.get_column("ctr").is_null().all()
    assert set(table.get_column("prediction_note")) == {"no promoted scoring model: no prediction"}


def test_schema_refuses_broken_tables():
    table = briefs()
    with pytest.raises(DataError, match="rank"):
        validate(table.with_columns(pl.lit(0, pl.Int64).alias("rank")), BriefsSchema, "x")
    with pytest.raises(DataError, match="brief_id"):
        validate(table.with_columns(pl.lit("B1").alias("brief_id")), BriefsSchema, "x")
    broken = table.with_columns(
        pl.lit(0.5).alias("ctr_lower"), pl.lit(0.1).alias("ctr"), pl.lit(0.2).alias("ctr_upper")
    )
    with pytest.raises(DataError, match="interval_holds_estimate"):
        validate(broken, BriefsSchema, "x")


def test_write_and_read_back(tmp_path):
    table = briefs()
    parquet, csv = b.write_briefs(table, tmp_path)
    assert b.read_briefs(tmp_path).equals(table)
    flat = pl.read_csv(csv)
    assert flat.height == table.height
    assert " | " in flat.get_column("hooks")[0]
    parquet.write_bytes(parquet.read_bytes()[:100])  # truncated
    with pytest.raises(DataError, match=r"briefs\.parquet: unreadable"):
        b.read_briefs(tmp_path)
    with pytest.raises(DataError, match="no briefs yet"):
        b.read_briefs(tmp_path / "elsewhere")


def test_no_white_space_or_no_placements_is_a_clear_error():
    with pytest.raises(DataError, match="no white space"):
        b.build_briefs(pl.DataFrame(), **SETTINGS)
    with pytest.raises(DataError, match="placements is empty"):
        b.build_briefs(gap_table(), **{**SETTINGS, "placements": []})


def test_brief_ids_are_stable_and_found_in_file_names():
    first, again = briefs(), briefs()
    assert first.get_column("brief_id").to_list() == again.get_column("brief_id").to_list()
    some = first.get_column("brief_id")[0]
    assert b.find_brief_id(f"ComfyUI_{some}_9x16_00001_.png") == some
    assert b.find_brief_id(f"user_{some}.webp") == some
    assert b.find_brief_id("xbr-0123abcd9.png") is None
    assert b.find_brief_id("no id here.png") is None


def test_hook_templates_are_generic():
    vocabulary = ("run", "shoe", "mile", "trail", "pace", "marathon", "sneaker")
    for line in [*GENERIC_TEMPLATES, *(t for ts in ANGLE_TEMPLATES.values() for t in ts)]:
        assert not any(word in line.lower() for word in vocabulary), line
    assert hook_lines("social_proof", "Acme", 2) == hook_lines("social proof", "Acme", 2)
    assert hook_lines("an angle nobody wrote", "Acme", 1)[0] == "Meet the new Acme."
