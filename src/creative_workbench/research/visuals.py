"""Visual features of competitor images under raw/media: palette, light, colour, text, shape.

- Dominant palette: k-means (scikit-learn) on pixels converted to CIELAB (colour_lab, the
  package's one CIELAB implementation), so clusters follow perceived colour differences;
  centres go back to hex.
- Brightness: mean L* (0-100). Contrast: standard deviation of L* (RMS contrast).
- Saturation: mean HSV saturation (0-1).
- Text coverage: share of the image covered by text boxes found by the one OCR engine's
  detector (ocr_engine: RapidOCR's DBNet, ONNX; detection only, no recognition), run on a
  copy at most 480 px on its long side (RapidOCR's default would upscale every image to
  736 px on its short side; on the demo stills the 480 px boxes cover within 3 points of the
  default's, see tests).
- Aspect ratio and the nearest standard ad aspect (9:16, 4:5, 1:1, 1.91:1, 16:9, 2:3).

Results are cached per file (name, size, mtime) in cache/visuals_v2.parquet (v2: the
480 px text detector). k-means runs single-threaded: on a few thousand pixels OpenMP
threads only add overhead (ten times slower on a loaded 2-core machine).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import polars as pl
from PIL import Image, UnidentifiedImageError
from skimage.color import rgb2hsv
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from creative_workbench.atomic import atomic_write_bytes
from creative_workbench.colour_lab import lab2rgb, rgb2lab
from creative_workbench.errors import MediaError
from creative_workbench.media_files import is_image
from creative_workbench.ocr_engine import OCR_LONG_SIDE, engine

PALETTE_SIZE = 5
ANALYSIS_SIDE = 160
CACHE_FILE = "visuals_v2.parquet"
ASPECTS = {"9:16": 9 / 16, "4:5": 4 / 5, "1:1": 1.0, "1.91:1": 1.91, "16:9": 16 / 9, "2:3": 2 / 3}
FEATURE_SCHEMA = {
    "file": pl.Utf8,
    "width": pl.Int64,
    "height": pl.Int64,
    "aspect_ratio": pl.Float64,
    "aspect": pl.Utf8,
    "brightness": pl.Float64,
    "contrast": pl.Float64,
    "saturation": pl.Float64,
    "text_coverage": pl.Float64,
    "palette": pl.List(pl.Utf8),
    "palette_share": pl.List(pl.Float64),
    "palette_lab": pl.List(pl.List(pl.Float64)),
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
}


def _hex(rgb: np.ndarray) -> str:
    red, green, blue = (np.clip(rgb, 0, 1) * 255).round().astype(int)
    return f"#{red:02x}{green:02x}{blue:02x}"


def load_rgb(path: Path) -> np.ndarray:
    """An image as an RGB uint8 array (transparency composited on white)."""
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P"):
                rgba = image.convert("RGBA")
                background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                image = Image.alpha_composite(background, rgba)
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise MediaError(f"{path}: cannot read image ({exc}); replace or remove it") from None


def dominant_palette(
    rgb: np.ndarray, k: int = PALETTE_SIZE, seed: int = 0
) -> tuple[list[str], list[float], list[list[float]]]:
    """(hex colours, pixel shares, CIELAB centres) of the K dominant colours, largest first."""
    lab = rgb2lab(np.asarray(rgb) / 255.0).reshape(-1, 3)
    distinct = np.unique(np.round(lab, 1), axis=0)
    k = max(1, min(k, len(distinct)))
    with threadpool_limits(1):
        model = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(lab)
    shares = np.bincount(model.labels_, minlength=k) / len(lab)
    order = np.argsort(shares)[::-1]
    centres = model.cluster_centers_[order]
    colours = [_hex(lab2rgb(c.reshape(1, 1, 3)).reshape(3)) for c in centres]
    return colours, [float(s) for s in shares[order]], [[float(v) for v in c] for c in centres]


def text_coverage(rgb: np.ndarray) -> float:
    """Share of the image area inside detected text boxes (0-1)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, OCR_LONG_SIDE / max(height, width))
    image = rgb
    if scale < 1.0:
        image = np.asarray(
            Image.fromarray(rgb).resize((round(width * scale), round(height * scale)))
        )
    boxes, _ = engine()(image, use_det=True, use_cls=False, use_rec=False)
    mask = np.zeros(image.shape[:2], dtype=bool)
    for box in boxes or []:
        points = np.asarray(box, dtype=float)
        x0, y0 = np.floor(points.min(axis=0)).astype(int).clip(0)
        x1, y1 = np.ceil(points.max(axis=0)).astype(int)
        mask[y0:y1, x0:x1] = True
    return float(mask.mean())


def nearest_aspect(ratio: float) -> str:
    """The standard ad aspect closest to RATIO (width / height), compared in log space."""
    return min(ASPECTS, key=lambda name: abs(np.log(ASPECTS[name]) - np.log(ratio)))


def image_features(path: Path, *, with_text: bool = True) -> dict:
    """Palette, brightness, contrast, saturation, text coverage and aspect of one image."""
    rgb = load_rgb(path)
    height, width = rgb.shape[:2]
    small = np.asarray(
        Image.fromarray(rgb).resize(
            (
                max(1, round(width * ANALYSIS_SIDE / max(width, height))),
                max(1, round(height * ANALYSIS_SIDE / max(width, height))),
            ),
            Image.Resampling.BILINEAR,
        )
    )
    lightness = rgb2lab(small / 255.0)[..., 0]
    palette, shares, lab = dominant_palette(small)
    stat = path.stat()
    return {
        "file": path.name,
        "width": width,
        "height": height,
        "aspect_ratio": width / height,
        "aspect": nearest_aspect(width / height),
        "brightness": float(lightness.mean()),
        "contrast": float(lightness.std()),
        "saturation": float(rgb2hsv(small)[..., 1].mean()),
        "text_coverage": text_coverage(rgb) if with_text else None,
        "palette": palette,
        "palette_share": shares,
        "palette_lab": lab,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def media_features(media_dir: Path, cache_dir: Path | None = None) -> pl.DataFrame:
    """Features of every image in MEDIA_DIR, reusing cached rows for unchanged files.

    Unreadable images raise MediaError naming the file.
    """
    files = sorted(p for p in media_dir.iterdir() if is_image(p)) if media_dir.is_dir() else []
    cache_path = cache_dir / CACHE_FILE if cache_dir else None
    cached = (
        pl.read_parquet(cache_path)
        if cache_path and cache_path.is_file()
        else pl.DataFrame(schema=FEATURE_SCHEMA)
    )
    known = {(r["file"], r["size"], r["mtime_ns"]): r for r in cached.iter_rows(named=True)}
    rows = []
    for path in files:
        stat = path.stat()
        row = known.get((path.name, stat.st_size, stat.st_mtime_ns))
        rows.append(row if row is not None else image_features(path))
    frame = pl.DataFrame(rows, schema=FEATURE_SCHEMA)
    changed = len(rows) != len(known) or any(
        (r["file"], r["size"], r["mtime_ns"]) not in known for r in rows
    )
    if cache_path is not None and changed:
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        atomic_write_bytes(cache_path, buffer.getvalue())
    return frame


def brand_palettes(
    features: pl.DataFrame, ads: pl.DataFrame, k: int = PALETTE_SIZE, seed: int = 0
) -> pl.DataFrame:
    """Each brand's dominant colours over its images: image palettes pooled and re-clustered
    in CIELAB, weighted by pixel share. Rows: brand, rank, colour, share, images."""
    linked = (
        ads.select("brand", pl.col("media_path").str.split("/").list.last().alias("file"))
        .drop_nulls()
        .join(features, on="file")
    )
    rows = []
    for (brand,), group in linked.group_by("brand", maintain_order=True):
        lab = np.asarray([c for centres in group["palette_lab"] for c in centres])
        weights = np.asarray([s for shares in group["palette_share"] for s in shares])
        clusters = max(1, min(k, len(lab)))
        with threadpool_limits(1):
            model = KMeans(n_clusters=clusters, n_init=4, random_state=seed).fit(
                lab, sample_weight=weights
            )
        share = np.bincount(model.labels_, weights=weights, minlength=clusters)
        share = share / share.sum()
        for rank, index in enumerate(np.argsort(share)[::-1], start=1):
            colour = _hex(lab2rgb(model.cluster_centers_[index].reshape(1, 1, 3)).reshape(3))
            rows.append(
                {
                    "brand": brand,
                    "rank": rank,
                    "colour": colour,
                    "share": float(share[index]),
                    "images": group.height,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "brand": pl.Utf8,
            "rank": pl.Int64,
            "colour": pl.Utf8,
            "share": pl.Float64,
            "images": pl.Int64,
        },
    ).sort("brand", "rank")


def brand_visual_summary(features: pl.DataFrame, ads: pl.DataFrame) -> pl.DataFrame:
    """Per brand: images, mean brightness, contrast, saturation, text coverage, aspect mix."""
    linked = (
        ads.select("brand", pl.col("media_path").str.split("/").list.last().alias("file"))
        .drop_nulls()
        .join(features, on="file")
    )
    return (
        linked.group_by("brand")
        .agg(
            pl.len().alias("images"),
            pl.col("brightness").mean(),
            pl.col("contrast").mean(),
            pl.col("saturation").mean(),
            pl.col("text_coverage").mean(),
            pl.col("aspect")
            .value_counts(sort=True)
            .struct.field("aspect")
            .first()
            .alias("main_aspect"),
        )
        .sort("brand")
    )
