"""Discover competitor ad files under raw/ads, read each with its adapter, build the ads table.

The canonical table is validated once (AdsSchema) and cached as cache/ads.parquet with its
data-quality warnings; the cache is rebuilt when any raw file (path, size, mtime), any media
file name or the project's ads mappings change.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from creative_workbench.atomic import atomic_write_bytes, atomic_write_text
from creative_workbench.config import ColumnMapping, Project
from creative_workbench.errors import DataError
from creative_workbench.ingest.capture import file_capture, record_capture, with_capture
from creative_workbench.ingest.mapping import mapped_ads, mapped_files
from creative_workbench.ingest.records import (
    ADS_COLUMNS,
    QualityLog,
    canonical_frame,
)
from creative_workbench.ingest.sources import JSON_SUFFIXES, SourceSample, ad_sources, detect_source
from creative_workbench.media_files import is_image
from creative_workbench.schemas import AdsSchema, validate

CACHE_VERSION = "ads-v2"
FILES_SCHEMA = {
    "file": pl.Utf8,
    "format": pl.Utf8,
    "rows": pl.Int64,
    "warnings": pl.Int64,
    "captured_at": pl.Date,
    "captured_from": pl.Utf8,
}


@dataclass(frozen=True)
class IngestResult:
    """The canonical ads table, per-file counts and the data-quality warnings."""

    ads: pl.DataFrame
    files: pl.DataFrame
    warnings: pl.DataFrame
    from_cache: bool = False

    def warning_counts(self) -> pl.DataFrame:
        """Warnings per kind (kind, count, files), largest first."""
        log = QualityLog()
        for row in self.warnings.iter_rows(named=True):
            log.add(row["file"], row["record"], row["kind"], row["message"])
        return log.counts()


def load_ads(project: Project) -> pl.DataFrame:
    """The project's canonical competitor ads (cached; rebuilt when raw files change)."""
    return ingest_ads(project).ads


def ingest_ads(project: Project, *, use_cache: bool = True) -> IngestResult:
    """Read every ad file of PROJECT into one validated table plus data-quality counts."""
    mappings = [m for m in project.config.mappings if m.kind == "ads"]
    files = discover_files(project)
    key = fingerprint(project, files, mappings)
    cache = project.cache_dir
    if use_cache and _cache_key(cache) == key:
        return IngestResult(
            pl.read_parquet(cache / "ads.parquet"),
            pl.read_parquet(cache / "ads_files.parquet"),
            pl.read_parquet(cache / "ads_quality.parquet"),
            from_cache=True,
        )
    result = build_ads(project, files, mappings)
    for name, frame in (
        ("ads", result.ads),
        ("ads_files", result.files),
        ("ads_quality", result.warnings),
    ):
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        atomic_write_bytes(cache / f"{name}.parquet", buffer.getvalue())
    atomic_write_text(cache / "ads_fingerprint.json", json.dumps({"key": key}))
    return result


def discover_files(project: Project) -> list[Path]:
    """Ad files under raw/ads (recursively, hidden files ignored) plus mapped files."""
    found: set[Path] = set()
    if project.raw_ads_dir.is_dir():
        found |= {
            p
            for p in project.raw_ads_dir.rglob("*")
            if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(project.root).parts)
        }
    for mapping in project.config.mappings:
        if mapping.kind == "ads":
            found |= set(mapped_files(project.root, mapping))
    return sorted(found)


def fingerprint(project: Project, files: list[Path], mappings: list[ColumnMapping]) -> str:
    """Hash of file paths, sizes and mtimes, media names, the ads mappings and capture dates."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for path in files:
        stat = path.stat()
        digest.update(
            f"{path.relative_to(project.root)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
        )
    for path in _media_files(project):
        digest.update(f"media|{path.name}\n".encode())
    settings = [m.model_dump(mode="json") for m in mappings]
    captured = {k: v.isoformat() for k, v in project.config.captured_at.items()}
    digest.update(json.dumps([settings, captured], sort_keys=True).encode())
    return digest.hexdigest()


def _cache_key(cache: Path) -> str | None:
    marker = cache / "ads_fingerprint.json"
    needed = [cache / f"{n}.parquet" for n in ("ads", "ads_files", "ads_quality")]
    if not marker.is_file() or not all(p.is_file() for p in needed):
        return None
    try:
        return json.loads(marker.read_text("utf-8")).get("key")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def mapping_for(path: Path, mappings: list[ColumnMapping], root: Path) -> ColumnMapping | None:
    """The first ads mapping whose glob matches PATH, if any."""
    return next((m for m in mappings if path in set(mapped_files(root, m))), None)


def read_ad_file(
    path: Path, mappings: list[ColumnMapping], root: Path, log: QualityLog
) -> tuple[str, pl.DataFrame]:
    """(format, canonical rows) for one file: a project mapping first, then the registered
    ad sources (ingest/sources.py); an unknown format is a counted warning."""
    mapping = mapping_for(path, mappings, root)
    if mapping is not None:
        return f"mapping:{mapping.source}", mapped_ads(path, mapping, log)
    sample = SourceSample(path, log)
    source = detect_source(sample)
    if source is not None:
        frame = source.read(sample)
        if sample.first_record is not None:  # JSON pages carry their capture moment
            moment = pl.lit(record_capture(sample.first_record), pl.Datetime("us", "UTC"))
            frame = frame.with_columns(moment.alias("captured_at"))
        return source.name, frame
    if sample.suffix in JSON_SUFFIXES and not sample.records:
        log.add(path, "file", "empty_file", "no records in file")
        return "empty", canonical_frame([])
    log.add(
        path,
        "file",
        "unknown_format",
        'not a known ad-library format; add a [[mappings]] entry (kind = "ads") to '
        "project.toml or move the file out of raw/ads",
    )
    return "unknown", canonical_frame([])


def build_ads(project: Project, files: list[Path], mappings: list[ColumnMapping]) -> IngestResult:
    """Read FILES, dedupe, check dates and copy, attach media, validate once."""
    log = QualityLog()
    frames, inventory = [], []
    for path in files:
        before = len(log.warnings)
        kind, frame = read_ad_file(path, mappings, project.root, log)
        mapping = mapping_for(path, mappings, project.root)
        frame, captured, how = with_capture(frame, *file_capture(path, project, mapping))
        frames.append(frame)
        inventory.append(
            {
                "file": str(path.relative_to(project.root)),
                "format": kind,
                "rows": frame.height,
                "warnings": len(log.warnings) - before,
                "captured_at": captured.date() if captured else None,
                "captured_from": how,
            }
        )
    ads = pl.concat(frames, how="vertical") if frames else canonical_frame([])
    ads = ads.with_columns((pl.col("source") + ":" + pl.col("raw_id")).alias("ad_id"))
    ads = _dedupe(ads, log)
    ads = _drop_reversed_dates(ads, log)
    _count_empty_copy(ads, log)
    ads = _attach_media(ads, project)
    ads = ads.select(list(ADS_COLUMNS)).sort(["brand", "start_time", "ad_id"])
    ads = validate(ads, AdsSchema, project.raw_ads_dir)
    files_frame = pl.DataFrame(
        inventory,
        schema=FILES_SCHEMA,
    )
    return IngestResult(ads, files_frame, log.to_frame())


def _dedupe(ads: pl.DataFrame, log: QualityLog) -> pl.DataFrame:
    """One row per ad_id: the most recent view (latest stop, still-active first)."""
    counts = ads.group_by("ad_id").agg(pl.len().alias("n"), pl.col("source_file").unique())
    for row in counts.filter(pl.col("n") > 1).sort("ad_id").iter_rows(named=True):
        files = ", ".join(sorted(Path(f).name for f in row["source_file"]))
        log.add(
            files,
            row["ad_id"],
            "duplicate_id",
            f"ad seen {row['n']} times ({files}); kept the most recent view",
        )
    return (
        ads.with_row_index("_order")
        .sort(
            [pl.col("stop_time").is_null(), "stop_time", "_order"],
            descending=[True, True, False],
            nulls_last=True,
        )
        .unique("ad_id", keep="first", maintain_order=True)
        .drop("_order")
    )


def _drop_reversed_dates(ads: pl.DataFrame, log: QualityLog) -> pl.DataFrame:
    reversed_ = ads.filter(pl.col("stop_time") < pl.col("start_time"))
    for row in reversed_.iter_rows(named=True):
        log.add(
            row["source_file"],
            row["ad_id"],
            "stop_before_start",
            f"delivery stop {row['stop_time']:%Y-%m-%d} is before start "
            f"{row['start_time']:%Y-%m-%d}; ad excluded",
        )
    return ads.filter(pl.col("stop_time").is_null() | (pl.col("stop_time") >= pl.col("start_time")))


def _count_empty_copy(ads: pl.DataFrame, log: QualityLog) -> None:
    empty = ads.filter(
        pl.col("source").is_in([s.name for s in ad_sources().values() if s.carries_copy])
        & (pl.col("record_kind") == "ad")
        & pl.concat_str(["body", "title"], ignore_nulls=True).fill_null("").str.strip_chars().eq("")
    )
    for row in empty.iter_rows(named=True):
        log.add(
            row["source_file"],
            row["ad_id"],
            "empty_copy",
            "ad has no body or title text; kept, but it gets no messaging labels",
        )


def _media_files(project: Project) -> list[Path]:
    folder = project.raw_media_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if is_image(p))


def _attach_media(ads: pl.DataFrame, project: Project) -> pl.DataFrame:
    """media_path for ads with raw/media/<raw id or ad id>.<image suffix>; such ads are images."""
    media = _media_files(project)
    if not media:
        return ads
    lookup = pl.DataFrame(
        {
            "_stem": [p.stem for p in media],
            "_media": [str(p.relative_to(project.root)) for p in media],
        }
    )
    lookup = lookup.unique("_stem", keep="first")
    joined = ads.join(
        lookup, left_on="raw_id", right_on="_stem", how="left", maintain_order="left"
    ).join(
        lookup.rename({"_media": "_media_by_ad"}),
        left_on="ad_id",
        right_on="_stem",
        how="left",
        maintain_order="left",
    )
    media_path = pl.coalesce("media_path", "_media", "_media_by_ad")
    return joined.with_columns(
        media_path.alias("media_path"),
        pl.when(pl.col("ad_format").is_null() & media_path.is_not_null())
        .then(pl.lit("image"))
        .otherwise(pl.col("ad_format"))
        .alias("ad_format"),
    ).drop("_media", "_media_by_ad")


def require_ads(result: IngestResult, project: Project) -> pl.DataFrame:
    """The ads table, or a DataError saying why there are no ads: where to put ad files when
    there are none, else the first problem of the first file that gave no rows."""
    if not result.ads.filter(pl.col("record_kind") == "ad").is_empty():
        return result.ads
    if result.files.is_empty():
        raise DataError(
            f"{project.raw_ads_dir}: no competitor ads found; save Ad Library API "
            "pages, TikTok or Google exports there (see docs) and re-run"
        )
    empty = result.files.filter(pl.col("rows") == 0)
    if empty.is_empty():
        raise DataError(
            f"{project.raw_ads_dir}: the {result.files.height} ad file(s) hold only spend-report "
            "page totals, no individual ads; add Ad Library API pages or exports of ads"
        )
    name = empty.get_column("file")[0]
    problems = result.warnings.filter(pl.col("file") == str(project.root / name))
    reason = problems.get_column("message")[0] if problems.height else "no ad records in it"
    raise DataError(
        f"no ads kept from {result.files.height} ad file(s); {name}: {reason} "
        f"({result.warnings.height:,} data-quality warning(s) in all)"
    )
