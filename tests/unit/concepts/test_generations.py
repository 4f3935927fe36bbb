"""Bad files: truncated, bomb-sized headers, not images, other formats, too many bytes."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative_workbench.concepts.generations import (
    GenerationProblem,
    Limits,
    image_files,
    read_generation,
    sha256_of,
    store_copy,
)

LIMITS = Limits(max_pixels=20_000_000, max_bytes=5_000_000)


def _png(size=(120, 90)) -> bytes:
    rng = np.random.default_rng(1)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def _claim_size(png: bytes, width: int, height: int) -> bytes:
    """The same PNG with its IHDR claiming WIDTH x HEIGHT (CRC fixed, pixels unchanged)."""
    ihdr = bytearray(png[12:29])  # b"IHDR" + 13 data bytes
    ihdr[4:12] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(bytes(ihdr)) & 0xFFFFFFFF)
    return png[:12] + bytes(ihdr) + crc + png[33:]


def test_good_png_decodes_with_a_small_copy(tmp_path: Path) -> None:
    path = tmp_path / "ok.png"
    path.write_bytes(_png((1200, 900)))
    generation = read_generation(path, LIMITS, 256)
    assert (generation.width, generation.height, generation.format) == (1200, 900, "png")
    assert generation.rgb.shape == (192, 256, 3)
    assert generation.sha256 == sha256_of(path.read_bytes())


def test_truncated_png_is_one_line_problem(tmp_path: Path) -> None:
    data = _png((400, 300))
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(GenerationProblem, match=r"^cut\.png: truncated or corrupt") as caught:
        read_generation(path, LIMITS, 256)
    assert "\n" not in str(caught.value)


def test_truncated_jpeg_is_a_problem(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(2).integers(0, 255, (300, 400, 3), np.uint8)).save(
        buffer, "JPEG", quality=90
    )
    path = tmp_path / "cut.jpg"
    path.write_bytes(buffer.getvalue()[:2000])
    with pytest.raises(GenerationProblem, match="truncated or corrupt"):
        read_generation(path, LIMITS, 256)


def test_header_over_our_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_claim_size(_png(), 6000, 5000))  # 30 MP claimed, 20 MP allowed
    with pytest.raises(GenerationProblem, match=r"big\.png: 30 megapixels is over the 20 MP"):
        read_generation(path, LIMITS, 256)


def test_bomb_header_over_pillows_limit_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_claim_size(_png(), 40000, 40000))  # 1.6 GP: Pillow's own bomb error
    with pytest.raises(GenerationProblem, match=r"bomb\.png: 1600 megapixels .*decompression"):
        read_generation(path, Limits(10**12, 10**9), 256)


def test_not_an_image_and_other_formats(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not a picture", "utf-8")
    with pytest.raises(GenerationProblem, match="not an image Pillow can read"):
        read_generation(text, LIMITS, 256)
    gif = tmp_path / "anim.png"
    Image.new("P", (10, 10)).save(gif, "GIF")
    with pytest.raises(GenerationProblem, match="GIF is not PNG, JPEG or WebP"):
        read_generation(gif, LIMITS, 256)


def test_file_over_the_byte_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png() + b"\0" * 6_000_000)
    with pytest.raises(GenerationProblem, match="over the 5 MB limit"):
        read_generation(path, LIMITS, 256)


def test_transparency_is_composited_on_white(tmp_path: Path) -> None:
    path = tmp_path / "alpha.png"
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(path)
    generation = read_generation(path, LIMITS, 256)
    assert generation.rgb.reshape(-1, 3).min(axis=0).tolist() == [255, 255, 255]


def test_image_files_splits_by_suffix_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b.PNG", "a.jpeg", "c.webp", "readme.txt", ".hidden.png"):
        (tmp_path / name).write_bytes(b"x")
    images, others = image_files(tmp_path)
    assert [p.name for p in images] == ["a.jpeg", "b.PNG", "c.webp"]
    assert [p.name for p in others] == ["readme.txt"]


def test_store_copy_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "ok.png"
    path.write_bytes(_png())
    generation = read_generation(path, LIMITS, 256)
    concepts = tmp_path / "project" / "concepts"
    first = store_copy(generation, path.read_bytes(), concepts)
    stamp = (concepts.parent / first).stat().st_mtime_ns
    assert store_copy(generation, path.read_bytes(), concepts) == first
    assert first == f"concepts/generations/{generation.sha256[:12]}.png"
    assert (concepts.parent / first).stat().st_mtime_ns == stamp


@pytest.mark.parametrize("mode", ["P", "L", "I;16", "CMYK"])
def test_other_pixel_modes_decode_to_rgb(tmp_path: Path, mode: str) -> None:
    path = tmp_path / ("m.jpg" if mode == "CMYK" else "m.png")
    Image.new(mode, (1100, 40)).save(path)
    rgb = read_generation(path, LIMITS, 512).rgb
    assert rgb.shape == (19, 512, 3) and rgb.dtype == np.uint8
