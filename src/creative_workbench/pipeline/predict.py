"""`workbench predict`: score any CSV of candidate creatives with the promoted model —
CTR and CVR with intervals, the top reasons and which attributes carry values without
history (those get no credit or blame). What a producer uses outside the weekly report.

Candidates are typed as in training ([scoring] attributes, or the export's columns as
categories); an attribute column the CSV lacks is unknown for every candidate (named in the
notes); days since launch is taken as LAUNCH_AGE_DAYS (a creative in its first week) and
the date as the model's last training day (the latest level of the trend).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import Project
from creative_workbench.errors import DataError
from creative_workbench.ingest.records import decode_text
from creative_workbench.pipeline.attributes import typed_attributes
from creative_workbench.pipeline.models import load_model
from creative_workbench.scoring.explain import top_reasons
from creative_workbench.scoring.features import CALENDAR_EPOCH, DELIVERY_COLUMNS, label
from creative_workbench.scoring.scorer import CreativeScorer

LAUNCH_AGE_DAYS = 3.0
REASONS = 3
ROW_ID = "_candidate"


@dataclass
class Scored:
    """The scored candidates, the model version used and notes for the user."""

    frame: pl.DataFrame
    version: str
    notes: list[str]


def read_candidates(path: Path) -> pl.DataFrame:
    """A candidates CSV as text columns; an unreadable or empty file names itself."""
    if not path.is_file():
        raise DataError(f"{path}: candidates file not found")
    try:
        frame = pl.read_csv(io.StringIO(decode_text(path)), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"{path}: unreadable CSV ({' '.join(str(exc).split())[:160]})") from None
    if frame.height == 0:
        raise DataError(f"{path}: no candidate rows")
    return frame.rename({c: c.strip() for c in frame.columns})


def candidate_rows(
    project: Project,
    scorer: CreativeScorer,
    frame: pl.DataFrame,
    source: str,
    last_day: str | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """FRAME typed like the training rows, with every model column present (the date, if
    the model uses one: LAST_DAY, the model's last training day)."""
    spec = scorer.encoder_.spec
    declared = dict(project.config.scoring.attributes)
    notes = []
    rows = frame.with_columns(
        pl.lit(None, pl.Date).alias(c)
        for c in ("period_start", "period_end")
        if c not in frame.columns
    )
    absent = [c for c in declared if c not in rows.columns]
    rows = rows.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in absent)
    if declared:
        rows, _ = typed_attributes(rows, declared, source)
    for column in spec.categorical:
        if column in rows.columns:
            rows = rows.with_columns(pl.col(column).cast(pl.Utf8).str.strip_chars())
    if "age_days" in spec.numeric and "age_days" not in rows.columns:
        rows = rows.with_columns(pl.lit(LAUNCH_AGE_DAYS).alias("age_days"))
    if "calendar_day" in spec.numeric and "calendar_day" not in rows.columns and last_day:
        days = (date.fromisoformat(last_day[:10]) - CALENDAR_EPOCH).days
        rows = rows.with_columns(pl.lit(float(days)).alias("calendar_day"))
    missing = [c for c in spec.columns if c not in rows.columns]
    absent += [c for c in missing if c not in ("weekday",)]
    rows = rows.with_columns(
        pl.lit(None, pl.Utf8).alias(c) for c in spec.categorical if c in missing
    )
    rows = rows.with_columns(
        pl.lit(None, pl.Float64).alias(c) for c in spec.numeric if c in missing
    )
    if absent:
        notes.append(
            f"{source}: no column(s) {', '.join(dict.fromkeys(absent))}; treated as unknown "
            "(no credit or blame) for every candidate"
        )
    return rows, notes


def predict_candidates(project: Project, path: Path, version: str | None = None) -> Scored:
    """Score the candidates in PATH with VERSION (default: the promoted model)."""
    scorer, card = load_model(project, version)
    frame = read_candidates(path)
    last_day = card.get("training", {}).get("last_day")
    rows, notes = candidate_rows(project, scorer, frame, str(path), last_day)
    rows = rows.with_row_index(ROW_ID).with_columns(pl.col(ROW_ID).cast(pl.Utf8))
    predicted = scorer.predict(rows)
    unknown = scorer.encoder_.unknown(rows)
    present = [c for c in unknown if c in frame.columns]
    new_values = [
        "; ".join(
            f"{label(c)} = {'(empty)' if rows[c][i] is None else rows[c][i]}"
            for c in present
            if unknown[c][i]
        )
        for i in range(rows.height)
    ]
    skip = (*DELIVERY_COLUMNS, *(c for c in scorer.encoder_.spec.columns if c not in frame.columns))
    reasons = top_reasons(scorer, rows, k=REASONS, id_col=ROW_ID, exclude=skip).sort(
        pl.col(ROW_ID).cast(pl.Int64)
    )
    scored = pl.concat(
        [
            frame,
            predicted,
            pl.DataFrame(
                {
                    "new_values": new_values,
                    "reasons": [" | ".join(r) for r in reasons.get_column("reasons").to_list()],
                }
            ),
        ],
        how="horizontal",
    )
    if any(new_values):
        count = sum(bool(v) for v in new_values)
        notes.append(
            f"{count} candidate(s) carry values without history (see new_values): their "
            "predictions rest on the other attributes; give them an exploration budget"
        )
    return Scored(scored, card["version"], notes)


def write_scored(scored: Scored, output: Path) -> Path:
    """Write the scored table as CSV (atomically; the reasons joined with ' | ')."""
    if output.is_dir():
        raise DataError(f"{output}: is a folder; give a file name like scored.csv")
    return atomic_write_text(output, scored.frame.write_csv())
