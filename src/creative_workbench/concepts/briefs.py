"""Concept briefs from white space: angle × offer × CTA × placement/format × hook lines.

Every combination of the gap table's under-used angles, offers and formats (plus the other
angles, no offer and the standard formats), the project's CTA wording and placements is a
candidate if it attacks at least one gap. A candidate's opportunity is `1 - Π(1 - gap)`
over its parts; with a predictor its score blends in the percentile of its predicted CTR
(`performance_weight`). Briefs are then picked greedily by maximal marginal relevance:
each pick maximises `(1 - diversity) × score - diversity × max similarity` to the briefs
already picked, similarity being the weighted share of equal parts, so the set is not 30
variations of one gap. The pick order is the rank.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from creative_workbench.atomic import atomic_write_bytes, atomic_write_text
from creative_workbench.concepts.hooks import ANGLE_TEMPLATES, hook_lines
from creative_workbench.concepts.rationale import evidence_ids, rationale_text
from creative_workbench.concepts.schemas import BRIEF_COLUMNS_LISTS, BriefsSchema
from creative_workbench.errors import DataError
from creative_workbench.placements import get_placement
from creative_workbench.schemas import validate

Predictor = Callable[[pl.DataFrame], pl.DataFrame]
"""Rows (angle, offer, cta, placement, format, aspect, hook) -> ctr, ctr_lower, ctr_upper,
cvr, cvr_lower, cvr_upper and new_values (attributes without history, '' when none)."""

PARTS = ("angle", "offer", "cta", "placement", "format")
SIMILARITY_WEIGHTS = {"angle": 0.35, "offer": 0.25, "cta": 0.15, "placement": 0.15, "format": 0.1}
PREDICTIONS = ("ctr", "ctr_lower", "ctr_upper", "cvr", "cvr_lower", "cvr_upper")
NO_OFFER = "none"
BRIEF_ID = re.compile(r"(?<![0-9A-Za-z])br-[0-9a-f]{8}(?![0-9A-Za-z])")
BRIEFS_FILE = "briefs.parquet"
BRIEFS_CSV = "briefs.csv"


def brief_id(parts: Sequence[str]) -> str:
    """A stable id from a brief's parts: 'br-' and 8 hex digits."""
    return "br-" + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:8]


def find_brief_id(text: str) -> str | None:
    """The first brief id in TEXT (a file name, a prompt), if any."""
    found = BRIEF_ID.search(text)
    return found.group(0) if found else None


def prune(folder: Path, keep: set[str], pattern: str) -> list[Path]:
    """Remove files of FOLDER matching PATTERN that carry a brief id and are not in KEEP
    (cards or packs of briefs no longer current); other files are left alone."""
    removed = []
    for path in folder.glob(pattern) if folder.is_dir() else []:
        if path.name not in keep and find_brief_id(path.name) is not None:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _formats(placement_id: str, gap_formats: list[str]) -> list[str]:
    """Formats a placement takes: video only where the placement requires sound, else
    image and video, plus carousel when it is white space."""
    if get_placement(placement_id).audio_required:
        return ["video"]
    return ["image", "video", *(["carousel"] if "carousel" in gap_formats else [])]


def _gap_lookup(gaps: pl.DataFrame) -> dict[tuple[str, str], dict[str, Any]]:
    if gaps.is_empty() or "dimension" not in gaps.columns:
        return {}
    return {
        (row["dimension"], str(row["label"]).casefold()): row
        for row in gaps.iter_rows(named=True)
        if row.get("gap_score") is not None and float(row["gap_score"]) > 0
    }


def candidates(
    gaps: pl.DataFrame,
    cta_wording: Sequence[str],
    placements: Sequence[str],
    aspects: Sequence[str],
) -> tuple[pl.DataFrame, list[list[dict[str, Any]]]]:
    """Every combination that attacks at least one gap, with its opportunity, and per row
    the gap-table rows it attacks (largest gap first)."""
    lookup = _gap_lookup(gaps)
    if not lookup:
        raise DataError(
            "no white space to brief from: research found no under-used angle, offer, CTA or "
            "format (or no dimension had enough readable competitor copy); add competitor ads"
        )
    if not placements:
        raise DataError("project.toml placements is empty; list the placements to brief for")

    def labels(dimension: str) -> list[str]:
        return [row["label"] for (d, _), row in lookup.items() if d == dimension]

    angles = list(dict.fromkeys([*labels("angle"), *ANGLE_TEMPLATES]))
    offers = list(dict.fromkeys([*labels("offer"), NO_OFFER]))
    ctas = list(dict.fromkeys(w.strip() for w in cta_wording if w.strip())) or labels("cta")
    ctas = ctas or ["Learn more"]
    rows = []
    for placement in placements:
        shown = [a for a in aspects if a in get_placement(placement).aspect_ratios]
        if not shown:
            continue
        for fmt in _formats(placement, labels("format")):
            for angle in angles:
                for offer in offers:
                    for cta in ctas:
                        rows.append((angle, offer, cta, placement, fmt, shown))
    table = pl.DataFrame(rows, schema=[*PARTS, "aspects"], orient="row")
    scored = []
    for angle, offer, cta, _, fmt, _ in rows:
        hits = [
            lookup[key]
            for key in (
                ("angle", angle.casefold()),
                ("offer", offer.casefold()),
                ("cta", cta.casefold()),
                ("format", fmt),
            )
            if key in lookup
        ]
        hits.sort(key=lambda g: -float(g["gap_score"]))
        scored.append(hits)
    opportunity = [1 - float(np.prod([1 - float(g["gap_score"]) for g in h])) for h in scored]
    keep = [i for i, value in enumerate(opportunity) if value > 0]
    table = table.with_columns(pl.Series("opportunity", opportunity, dtype=pl.Float64))[keep]
    return table, [scored[i] for i in keep]


def _percentile(values: np.ndarray) -> np.ndarray:
    """Rank percentile in [0, 1] (NaN -> 0.5, neutral)."""
    out = np.full(values.shape, 0.5)
    known = ~np.isnan(values)
    if known.sum() > 1:
        order = values[known].argsort().argsort()
        out[known] = order / (known.sum() - 1)
    return out


def select_diverse(table: pl.DataFrame, score: np.ndarray, n: int, diversity: float) -> list[int]:
    """Row positions of N candidates picked greedily for score and variety (module doc)."""
    codes = np.stack(
        [table.get_column(p).cast(pl.Categorical).to_physical().to_numpy() for p in PARTS], axis=1
    )
    weights = np.array([SIMILARITY_WEIGHTS[p] for p in PARTS])
    redundancy = np.zeros(table.height)
    available = np.ones(table.height, dtype=bool)
    picked: list[int] = []
    for _ in range(min(n, table.height)):
        value = np.where(available, (1 - diversity) * score - diversity * redundancy, -np.inf)
        best = int(np.argmax(value))
        picked.append(best)
        available[best] = False
        redundancy += (codes == codes[best]).astype(float) @ weights
    return picked


def _prediction_rows(table: pl.DataFrame, hooks: list[str]) -> pl.DataFrame:
    return table.select(*PARTS, pl.col("aspects").list.first().alias("aspect")).with_columns(
        pl.Series("hook", hooks, dtype=pl.Utf8)
    )


def _predict(predict: Predictor | None, rows: pl.DataFrame) -> pl.DataFrame:
    """The predictor's output for ROWS, or nulls; checked for its columns and length."""
    if predict is None:
        return pl.DataFrame(
            {c: [None] * rows.height for c in PREDICTIONS},
            schema=dict.fromkeys(PREDICTIONS, pl.Float64),
        ).with_columns(pl.lit("").alias("new_values"))
    out = predict(rows)
    missing = [c for c in PREDICTIONS if c not in out.columns]
    if missing or out.height != rows.height:
        raise DataError(f"predictor returned {out.height} rows without column(s) {missing}")
    if "new_values" not in out.columns:
        out = out.with_columns(pl.lit("").alias("new_values"))
    return out.select(
        *(pl.col(c).cast(pl.Float64).fill_nan(None) for c in PREDICTIONS),
        pl.col("new_values").cast(pl.Utf8).fill_null(""),
    )


def build_briefs(
    gaps: pl.DataFrame,
    *,
    brand: str,
    cta_wording: Sequence[str],
    placements: Sequence[str],
    aspects: Sequence[str],
    n: int,
    diversity: float,
    performance_weight: float,
    hooks_per_brief: int,
    evidence_per_gap: int,
    ad_labels: pl.DataFrame | None = None,
    predict: Predictor | None = None,
    prediction_source: str = "",
) -> pl.DataFrame:
    """The N ranked, diverse briefs (BriefsSchema) for the white space in GAPS.

    Args:
        gaps: research's white-space table (research.gaps.white_space).
        brand: the brand's name, for hook lines.
        cta_wording: the project's CTA wording (the briefs' CTAs).
        placements: placement ids to brief for.
        aspects: card aspects to render where the placement takes them.
        n: briefs wanted.
        diversity: weight of the repetition penalty in the greedy pick (0 = by score only).
        performance_weight: weight of the predicted-CTR percentile in the score (with PREDICT).
        hooks_per_brief: hook lines per brief.
        evidence_per_gap: competitor ad ids listed that do and that do not use the gap.
        ad_labels: (ad_id, brand, days_active, dimension, label) of the judged ads.
        predict: the promoted model's predictor (see Predictor), or None.
        prediction_source: what PREDICT is, for the note (e.g. 'model 2026-11-30T10-00').
    """
    table, attacked = candidates(gaps, cta_wording, placements, aspects)
    first_hooks = [hook_lines(a, brand, 1)[0] for a in table.get_column("angle")]
    score = table.get_column("opportunity").to_numpy()
    if predict is not None and performance_weight > 0:
        ranked = _predict(predict, _prediction_rows(table, first_hooks))
        ctr = ranked.get_column("ctr").cast(pl.Float64).to_numpy().astype(float)
        score = (1 - performance_weight) * score + performance_weight * _percentile(ctr)
    picked = select_diverse(table, score, n, diversity)
    chosen = table[picked].with_columns(pl.Series("score", score[picked]))
    seen: dict[str, int] = {}
    hooks = []
    for angle in chosen.get_column("angle"):
        hooks.append(hook_lines(angle, brand, hooks_per_brief, seen.get(angle, 0)))
        seen[angle] = seen.get(angle, 0) + 1
    predicted = _predict(predict, _prediction_rows(chosen, [h[0] for h in hooks]))
    rows = []
    for rank, (row, lines) in enumerate(zip(chosen.iter_rows(named=True), hooks, strict=True), 1):
        primary, *others = attacked[picked[rank - 1]]
        using, not_using = evidence_ids(
            ad_labels, primary["dimension"], primary["label"], evidence_per_gap
        )
        rows.append(
            {
                "brief_id": brief_id([row[p] for p in PARTS]),
                "rank": rank,
                **{p: row[p] for p in PARTS},
                "aspects": row["aspects"],
                "headline": lines[0],
                "hooks": lines,
                "gap_dimension": primary["dimension"],
                "gap_label": str(primary["label"]),
                "gap_score": float(primary["gap_score"]),
                **{k: primary.get(k) for k in ("market_share", "typical_share")},
                **{k: primary.get(k) for k in ("brands_using", "brands_judged", "brands_unknown")},
                "gaps": [f"{g['dimension']}: {g['label']}" for g in (primary, *others)],
                "opportunity": row["opportunity"],
                "score": float(np.clip(row["score"], 0, 1)),
                "rationale": rationale_text(primary, others),
                "evidence_using": using,
                "evidence_not_using": not_using,
                "examples": [str(e) for e in (primary.get("examples") or [])],
            }
        )
    frame = pl.DataFrame(rows, schema=_frame_schema()).hstack(predicted)
    note = _prediction_note(predict, prediction_source)
    frame = frame.with_columns(
        pl.when(pl.col("new_values") != "")
        .then(pl.lit(note + "; values without history count as neutral: ") + pl.col("new_values"))
        .otherwise(pl.lit(note))
        .alias("prediction_note")
    )
    return validate(frame.select(list(BriefsSchema.to_schema().columns)), BriefsSchema, "briefs")


def _prediction_note(predict: Predictor | None, source: str) -> str:
    if predict is None:
        return "no promoted scoring model: no prediction"
    return f"predicted by {source}" if source else "predicted"


def _frame_schema() -> dict[str, pl.DataType]:
    text, count, share = pl.Utf8, pl.Int64, pl.Float64
    listed = pl.List(pl.Utf8)
    return {
        "brief_id": text, "rank": count, "angle": text, "offer": text, "cta": text,
        "placement": text, "format": text, "aspects": listed, "headline": text,
        "hooks": listed, "gap_dimension": text, "gap_label": text, "gap_score": share,
        "market_share": share, "typical_share": share, "brands_using": count,
        "brands_judged": count, "brands_unknown": count, "gaps": listed,
        "opportunity": share, "score": share, "rationale": text, "evidence_using": listed,
        "evidence_not_using": listed, "examples": listed,
    }  # fmt: skip


def write_briefs(briefs: pl.DataFrame, concepts_dir: Path) -> tuple[Path, Path]:
    """Write briefs.parquet and a CSV copy for producers (lists joined with ' | '), atomically."""
    checked = validate(briefs, BriefsSchema, concepts_dir / BRIEFS_FILE)
    buffer = io.BytesIO()
    checked.write_parquet(buffer)
    parquet = atomic_write_bytes(concepts_dir / BRIEFS_FILE, buffer.getvalue())
    flat = checked.with_columns(pl.col(c).list.join(" | ") for c in BRIEF_COLUMNS_LISTS)
    return parquet, atomic_write_text(concepts_dir / BRIEFS_CSV, flat.write_csv())


def read_briefs(concepts_dir: Path) -> pl.DataFrame:
    """The project's briefs, checked; a missing or damaged file names itself."""
    path = concepts_dir / BRIEFS_FILE
    if not path.is_file():
        raise DataError(f"{path}: no briefs yet; run `workbench concepts briefs --project P`")
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(
            f"{path}: unreadable ({' '.join(str(exc).split())[:120]}); rebuild it"
        ) from None
    return validate(frame, BriefsSchema, path)
