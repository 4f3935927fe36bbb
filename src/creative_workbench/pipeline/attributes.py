"""Model attributes for any project: declared and typed under [scoring] attributes in
project.toml (a creatives table with an id plus any columns, or columns of the performance
export), else derived from the performance export itself (campaign, ad set, age, gender,
interest, keyword, placement, ...).

Types: categorical (as written), numeric (a number; a cell that is not one names its lines),
text (hook length in words, asks a question, has numbers — research's copy labels) and
date (days from the date to the middle of each row's period; unknown for lifetime rows).
Dated rows also get days since the creative's first delivery and the day of week.
"""

from __future__ import annotations

import io

import polars as pl

from creative_workbench.config import Project
from creative_workbench.errors import DataError
from creative_workbench.ingest.creatives import creatives_path
from creative_workbench.ingest.performance import PerformanceData
from creative_workbench.ingest.performance_values import QualityWarning
from creative_workbench.ingest.records import decode_text
from creative_workbench.research.messaging import label_copy
from creative_workbench.scoring.features import FeatureSpec, add_delivery_features

ID_LIKE_SHARE = 0.95
ENTITY = "entity"
TEXT_FEATURES = {"word_count": "words", "has_question": "asks_question", "has_numbers": "numbers"}


def _auto_attributes(frame: pl.DataFrame, names: list[str]) -> tuple[dict[str, str], list[str]]:
    """Export columns worth learning from, all categorical: at least two values and not an
    id in disguise (one value per creative). Returns them and notes on those left out."""
    creatives = frame.get_column("creative_id").n_unique()
    kept, notes = {}, []
    for name in names:
        values = frame.get_column(name).drop_nulls().n_unique()
        if values < 2:
            continue
        if creatives > 20 and values >= ID_LIKE_SHARE * creatives:
            notes.append(f"attribute {name!r} left out: one value per creative (an id)")
            continue
        kept[name] = "categorical"
    return kept, notes


def typed_attributes(
    frame: pl.DataFrame, declared: dict[str, str], source: str
) -> tuple[pl.DataFrame, FeatureSpec]:
    """FRAME with each declared attribute typed, and the spec of the model's columns."""
    categorical, numeric = [], []
    middle = pl.col("period_start") + (pl.col("period_end") - pl.col("period_start")) / 2
    for name, kind in declared.items():
        column = pl.col(name).cast(pl.Utf8).str.strip_chars()
        if kind == "categorical":
            frame = frame.with_columns(column.alias(name))
            categorical.append(name)
        elif kind == "numeric":
            parsed = column.cast(pl.Float64, strict=False)
            bad = frame.with_row_index("_row", 2).filter(
                parsed.is_null() & (column.fill_null("") != "")
            )
            if bad.height:
                lines = ", ".join(str(v) for v in bad.get_column("_row").head(5).to_list())
                raise DataError(
                    f"{source}: attribute {name!r} is declared numeric but is not a number "
                    f"on line(s) {lines}; fix the file or declare it categorical"
                )
            frame = frame.with_columns(parsed.alias(name))
            numeric.append(name)
        elif kind == "text":
            labels = label_copy(frame.select(column.fill_null("").alias("_text")), text_col="_text")
            frame = frame.with_columns(
                labels.get_column(k).cast(pl.Float64).alias(f"{name}_{v}")
                for k, v in TEXT_FEATURES.items()
            )
            numeric += [f"{name}_{v}" for v in TEXT_FEATURES.values()]
        else:
            when = column.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            frame = frame.with_columns(
                (middle - when).dt.total_days().cast(pl.Float64).alias(f"{name}_days")
            )
            numeric.append(f"{name}_days")
    return frame, FeatureSpec(tuple(categorical), tuple(numeric))


def _with_delivery(
    rows: pl.DataFrame, spec: FeatureSpec, calendar: bool = False
) -> tuple[pl.DataFrame, FeatureSpec]:
    """Dated rows: days since the creative's first delivery, day of week and the entity
    itself (ENTITY: its own history, learnt with the same shrinkage as any attribute; a
    new entity is a value without history, so it is neutral); with CALENDAR also the date
    (calendar_day: trend and season, apart from each creative's fatigue)."""
    if rows.get_column("period_start").null_count() == rows.height:
        return rows, spec
    rows = rows.with_columns(
        pl.col("period_start").min().over("creative_id").alias("launch_date"),
        pl.col("creative_id").alias(ENTITY),
    )
    rows = add_delivery_features(rows)
    weekday = ("weekday",) if rows.get_column("weekday").null_count() < rows.height else ()
    dates = ("calendar_day",) if calendar else ()
    return rows, FeatureSpec(
        (*spec.categorical, ENTITY, *weekday), (*spec.numeric, "age_days", *dates)
    )


def _creatives(rows: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    static = [c for c in spec.static.columns if c in rows.columns]
    extra = ["launch_date"] if "launch_date" in rows.columns else []
    return rows.group_by("creative_id", maintain_order=True).agg(pl.col(static + extra).first())


def derived_rows(
    project: Project, performance: PerformanceData
) -> tuple[pl.DataFrame, pl.DataFrame, FeatureSpec, list[str]]:
    """Rows, creatives, spec and notes from the performance export alone."""
    frame = performance.frame
    declared = dict(project.config.scoring.attributes)
    available = [*performance.attributes, "placement"]
    notes = []
    if declared:
        missing = [n for n in declared if n not in frame.columns]
        if missing:
            raise DataError(
                f"{project.config_path}: [scoring] attributes {missing} are not columns of the "
                f"performance export; it has {', '.join(available)} (or add raw/creatives/"
                "creatives.csv with them)"
            )
    else:
        declared, notes = _auto_attributes(frame, [c for c in available if c in frame.columns])
        if not declared:
            raise DataError(
                f"{project.raw_performance_dir}: the performance export has no attribute "
                "columns to learn from (campaign, age, keyword, ...); declare them under "
                "[scoring] attributes or add raw/creatives/creatives.csv"
            )
        notes.insert(0, f"attributes from the performance export: {', '.join(declared)}")
    rows, spec = typed_attributes(frame, declared, str(project.raw_performance_dir))
    rows, spec = _with_delivery(rows, spec, project.config.scoring.calendar)
    return rows, _creatives(rows, spec), spec, notes


def declared_rows(
    project: Project, performance: PerformanceData
) -> tuple[pl.DataFrame, pl.DataFrame, FeatureSpec, list[str]]:
    """Rows, creatives, spec and notes from creatives.csv with declared attribute columns."""
    path = creatives_path(project)
    declared = dict(project.config.scoring.attributes)
    table = pl.read_csv(io.StringIO(decode_text(path)), infer_schema=False)
    table = table.rename({c: c.strip() for c in table.columns})
    missing = [c for c in ("creative_id", *declared) if c not in table.columns]
    if missing:
        raise DataError(
            f"{path}: column(s) {missing} declared under [scoring] attributes are missing; "
            f"it has {', '.join(table.columns[:12])}"
        )
    table = table.select(pl.col("creative_id").str.strip_chars(), *declared).unique(
        "creative_id", keep="first", maintain_order=True
    )
    frame = performance.frame.drop([c for c in declared if c in performance.frame.columns])
    joined = frame.join(table, on="creative_id", how="inner")
    notes = []
    left_out = frame.height - joined.height
    if left_out:
        performance.warnings.append(
            QualityWarning(
                str(project.raw_performance_dir),
                "performance row(s) for creatives missing from creatives.csv left out of training",
                left_out,
            )
        )
    rows, spec = typed_attributes(joined, declared, str(path))
    rows, spec = _with_delivery(rows, spec, project.config.scoring.calendar)
    return rows, _creatives(rows, spec), spec, notes
