"""A user's table of ad copy labelled in taxonomy ids (`workbench label`).

Output columns, after the input's (an input column with one of these names is kept as
`<name>_input`): `lang`, `angles`, `cta`, `offer` (taxonomy ids of
../shared/reference/ad-copy-labels.md, several joined by `;`, `none` where nothing applies,
CTA `unknown` where the source has no button column and the copy no CTA phrase), then per
kind `<kind>_evidence` (verbatim phrases joined by EVIDENCE_SEPARATOR, in the ids' order),
`<kind>_source` (rule / model, `;`-joined) and `<kind>_confidence` (`;`-joined, 3 decimals).
"""

from __future__ import annotations

import polars as pl

from creative_workbench.research.combine import NONE, OFFER_LABELS, label_texts
from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES

OUTPUT_COLUMNS = ["lang", "angles", "cta", "offer"]
EVIDENCE_SEPARATOR = " | "
KINDS = {
    "angles": [(f"angle_{key}", key) for key in ANGLE_NAMES],
    "offer": [(f"offer_{key}", OFFER_LABELS[key]) for key in OFFER_NAMES],
}


def _joined(parts: list[pl.Expr], separator: str) -> pl.Expr:
    return pl.concat_list(parts).list.drop_nulls().list.join(separator)


def label_table(frame: pl.DataFrame, text_col: str, button_col: str | None = None):
    """FRAME (all columns kept) plus the label columns described in the module docstring."""
    produced = OUTPUT_COLUMNS + [
        f"{k}_{p}" for k in ("angles", "cta", "offer") for p in ("evidence", "source", "confidence")
    ]
    renames = {c: f"{c}_input" for c in frame.columns if c in produced}
    source = frame.rename(renames)
    text = renames.get(text_col, text_col)
    button = renames.get(button_col, button_col) if button_col else None
    work = source.with_row_index("_row")
    labelled = label_texts(
        work.select("_row", text, *([button] if button else [])), text, button_col=button
    )
    columns = [pl.col("language").fill_null("").alias("lang")]
    for kind, labels in KINDS.items():
        on = {prefix: pl.col(f"{prefix}_evidence").is_not_null() for prefix, _ in labels}
        ids = _joined([pl.when(on[p]).then(pl.lit(name)) for p, name in labels], ";")
        columns += [
            pl.when(ids == "").then(pl.lit(NONE)).otherwise(ids).alias(kind),
            _joined([pl.col(f"{p}_evidence") for p, _ in labels], EVIDENCE_SEPARATOR).alias(
                f"{kind}_evidence"
            ),
            _joined([pl.col(f"{p}_source") for p, _ in labels], ";").alias(f"{kind}_source"),
            _joined(
                [pl.col(f"{p}_confidence").round(3).cast(pl.String) for p, _ in labels], ";"
            ).alias(f"{kind}_confidence"),
        ]
    columns += [
        pl.col("cta").str.to_lowercase().str.replace_all(" ", "_").alias("cta"),
        pl.col("cta_evidence").fill_null("").alias("cta_evidence"),
        pl.col("cta_source").fill_null("").alias("cta_source"),
        pl.col("cta_confidence").round(3).cast(pl.String).fill_null("").alias("cta_confidence"),
    ]
    out = labelled.select("_row", *columns)
    ordered = ["lang", "angles", "cta", "offer"] + [
        f"{k}_{p}" for k in ("angles", "cta", "offer") for p in ("evidence", "source", "confidence")
    ]
    return work.join(
        out.select("_row", *ordered), on="_row", how="left", maintain_order="left"
    ).drop("_row")
