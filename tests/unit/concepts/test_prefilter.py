"""Prefilter checks on real images: near-duplicates, blur, palette, aspect, exposure, text."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from skimage import data

from creative_workbench.concepts.candidates import Target, assess
from creative_workbench.concepts.generations import Limits, read_generation
from creative_workbench.concepts.prefilter import (
    Verdict,
    check_text,
    close_pairs,
    expected_text,
    hamming_matrix,
    measure,
    near_duplicate_clusters,
    text_similarity,
)
from creative_workbench.concepts.settings import PrefilterSettings
from creative_workbench.placements import get_placement

SETTINGS = PrefilterSettings()
LIMITS = Limits(50_000_000, 50_000_000)
PALETTE = ["#14213D", "#1F6F8B", "#F2F5F7", "#FF6B35", "#2E5E4E"]


def _save(image: Image.Image, path: Path, **options) -> np.ndarray:
    image.save(path, **options)
    return read_generation(path, LIMITS, SETTINGS.analysis_side).rgb


def _brand_scene(size=(800, 1000)) -> Image.Image:
    """Brand colours in a structured layout (bands, discs) with light grain."""
    rng = np.random.default_rng(3)
    image = Image.new("RGB", size, PALETTE[0])
    draw = ImageDraw.Draw(image)
    for i, top in enumerate(range(0, size[1], 125)):
        draw.rectangle((0, top, size[0], top + 60), fill=PALETTE[1 + i % 2])
    for x, y, r in ((200, 300, 120), (560, 640, 180), (650, 180, 70)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=PALETTE[3])
    pixels = np.asarray(image, dtype=float) + rng.normal(0, 6, (size[1], size[0], 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def test_resized_recompressed_copies_cluster_apart_from_other_photos(tmp_path: Path) -> None:
    astronaut = Image.fromarray(data.astronaut())
    hashes = [
        measure(_save(astronaut, tmp_path / "a.png"), PALETTE, 5.0).phash,
        measure(
            _save(astronaut.resize((300, 300)), tmp_path / "b.jpg", quality=60), PALETTE, 5.0
        ).phash,
        measure(_save(Image.fromarray(data.coffee()), tmp_path / "c.png"), PALETTE, 5.0).phash,
        measure(_save(Image.fromarray(data.chelsea()), tmp_path / "d.webp"), PALETTE, 5.0).phash,
    ]
    labels = near_duplicate_clusters(hashes, SETTINGS.duplicate_max_distance)
    assert labels[0] == labels[1]
    assert len({labels[0], labels[2], labels[3]}) == 3


def test_gaussian_blurred_copy_is_flagged_blurry(tmp_path: Path) -> None:
    photo = Image.fromarray(data.astronaut())
    sharp = measure(_save(photo, tmp_path / "s.png"), PALETTE, 5.0)
    blurred = measure(
        _save(photo.filter(ImageFilter.GaussianBlur(4)), tmp_path / "b.png"), PALETTE, 5.0
    )
    assert sharp.sharpness >= SETTINGS.min_sharpness > blurred.sharpness
    verdict = assess((512, 512), blurred, Target(None, ("1:1",), "x"), 5.0, SETTINGS)
    assert "blur" in [flag for flag, _ in verdict.failed]
    assert verdict.score < SETTINGS.discard_below


def test_brand_colours_pass_and_off_palette_fails(tmp_path: Path) -> None:
    on = measure(_save(_brand_scene(), tmp_path / "on.png"), PALETTE, 5.0)
    assert on.palette_share > 0.9
    off = measure(_save(Image.fromarray(data.coffee()), tmp_path / "off.png"), PALETTE, 5.0)
    assert off.palette_share < SETTINGS.palette_min_share and off.off_palette
    target = Target(get_placement("meta_feed"), ("4:5",), "B001 (Meta Feed)")
    good = assess((1080, 1350), on, target, 5.0, SETTINGS)
    bad = assess((1080, 1350), off, target, 5.0, SETTINGS)
    assert good.failed == [] and good.score > 0.9
    assert [flag for flag, _ in bad.failed] == ["palette"]
    assert "off-palette" in bad.failed[0][1]


def test_aspect_and_resolution_against_the_placement(tmp_path: Path) -> None:
    measures = measure(_save(_brand_scene(), tmp_path / "on.png"), PALETTE, 5.0)
    stories = Target(get_placement("meta_stories"), ("9:16",), "B002 (Stories)")
    wrong = assess((1024, 1024), measures, stories, 5.0, SETTINGS)
    assert [flag for flag, _ in wrong.failed] == ["aspect"]
    assert "aspect 1:1 does not fit B002 (Stories) (9:16)" in wrong.reasons
    small = assess((270, 480), measures, stories, 5.0, SETTINGS)
    assert [flag for flag, _ in small.failed] == ["resolution"]
    assert small.score < SETTINGS.discard_below
    assert assess((1080, 1920), measures, stories, 5.0, SETTINGS).failed == []


def test_dark_image_is_badly_exposed(tmp_path: Path) -> None:
    dark = Image.eval(Image.fromarray(data.astronaut()), lambda v: v // 12)
    measures = measure(_save(dark, tmp_path / "dark.png"), PALETTE, 5.0)
    assert measures.exposure_mean < SETTINGS.dark_mean
    verdict = assess((512, 512), measures, Target(None, ("1:1",), "x"), 5.0, SETTINGS)
    assert any(r.startswith("badly exposed: too dark") for _, r in verdict.failed)


def test_text_expected_from_quotes_and_spelling() -> None:
    assert expected_text('poster, headline text "Run Further", bold') == ["Run Further"]
    assert text_similarity("Run Further", "RUNFURTHER 20% OFF") == 1.0
    assert text_similarity("Run Further", "RNU FURHTER") < SETTINGS.text_min_similarity
    verdict = Verdict()
    check_text(verdict, ["Run Further"], "", SETTINGS)
    assert verdict.failed == [("text", 'expected text "Run Further" not found by OCR')]
    unread = Verdict()
    check_text(unread, ["Run Further"], None, SETTINGS)  # OCR not run: no claim either way
    assert unread.reasons == []


def test_jpeg_recompression_keeps_measures_close(tmp_path: Path) -> None:
    scene = _brand_scene()
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=75)
    (tmp_path / "s.jpg").write_bytes(buffer.getvalue())
    png = measure(_save(scene, tmp_path / "s.png"), PALETTE, 5.0)
    jpg = measure(read_generation(tmp_path / "s.jpg", LIMITS, 512).rgb, PALETTE, 5.0)
    assert abs(png.palette_share - jpg.palette_share) < 0.1
    assert near_duplicate_clusters([png.phash, jpg.phash], 6) == [0, 0]


def test_blocked_pairs_equal_the_full_distance_matrix() -> None:
    rng = np.random.default_rng(0)
    hashes = [f"{int(x):016x}" for x in rng.integers(0, 2**63, 700)]
    hashes[5] = hashes[650]
    hashes[7] = f"{int(hashes[650], 16) ^ 0b1011:016x}"  # 3 bits away
    full = hamming_matrix(hashes)
    expected = {(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(full <= 6, 1)), strict=True)}
    assert {tuple(map(int, p)) for p in close_pairs(hashes, 6, block=64)} == expected
    assert {(5, 650), (5, 7), (7, 650)} <= expected
