"""Read generated images safely: PNG, JPEG and WebP with explicit size limits.

Every problem with one file (not an image, another format, too many pixels for the
decompression-bomb limit, truncated or corrupt data) is a `GenerationProblem` naming the
file in one line, so a batch lists it and goes on. A file is identified by the SHA-256 of
its bytes: importing it again changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from creative_workbench.atomic import atomic_write_bytes
from creative_workbench.concepts.metadata import Embedded, read_embedded, text_chunks
from creative_workbench.errors import MediaError
from creative_workbench.media_files import is_image

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
GENERATIONS_DIR = "generations"
ID_LENGTH = 12


class GenerationProblem(MediaError):
    """One imported file cannot be used; the message names it and says what to do."""


@dataclass(frozen=True)
class Limits:
    """Decompression-bomb limits: pixels per image and bytes per file."""

    max_pixels: int
    max_bytes: int


@dataclass(frozen=True)
class Generation:
    """One decoded generated image: identity, size, embedded metadata and a small RGB copy."""

    source: Path
    sha256: str
    width: int
    height: int
    format: str
    embedded: Embedded
    rgb: np.ndarray  # at most ANALYSIS_SIDE on the long side, transparency on white

    @property
    def candidate_id(self) -> str:
        return candidate_id(self.sha256)

    @property
    def suffix(self) -> str:
        return ".jpg" if self.format == "jpeg" else f".{self.format}"


def candidate_id(sha256: str) -> str:
    """A candidate's stable id: the first hex digits of its file's SHA-256."""
    return sha256[:ID_LENGTH]


def image_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(image files by suffix, other files) directly inside FOLDER, sorted by name."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return [p for p in files if is_image(p)], [p for p in files if not is_image(p)]


def read_bytes(path: Path, limits: Limits) -> bytes:
    """The file's bytes, refusing files over the byte limit before reading them."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise GenerationProblem(
                f"{path.name}: {size / 1e6:.0f} MB is over the {limits.max_bytes / 1e6:.0f} MB "
                "limit for one image; export it smaller"
            )
        return path.read_bytes()
    except OSError as exc:
        raise GenerationProblem(f"{path.name}: cannot read ({exc.strerror or exc})") from None


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of DATA."""
    return hashlib.sha256(data).hexdigest()


def _too_big(name: str, pixels: int, limits: Limits) -> GenerationProblem:
    return GenerationProblem(
        f"{name}: {pixels / 1e6:.0f} megapixels is over the {limits.max_pixels / 1e6:.0f} MP "
        "decompression-bomb limit; downscale it or raise max_pixels"
    )


def decode(name: str, data: bytes, limits: Limits, side: int) -> tuple[Image.Image, np.ndarray]:
    """Open DATA as PNG/JPEG/WebP within LIMITS; (the image, an RGB copy ≤ SIDE px)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_big(name, _claimed_pixels(exc), limits) from None
        except UnidentifiedImageError:
            raise GenerationProblem(
                f"{name}: not an image Pillow can read; remove it or export PNG/JPEG/WebP"
            ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise GenerationProblem(f"{name}: corrupt image header ({exc}); re-export it") from None
        if image.format not in FORMATS:
            raise GenerationProblem(f"{name}: {image.format} is not PNG, JPEG or WebP; convert it")
        width, height = image.size
        if width * height > limits.max_pixels:
            raise _too_big(name, width * height, limits)
        try:
            image.load()
            rgb = _small_rgb(image, side)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            reason = str(exc).split("\n")[0] or type(exc).__name__
            raise GenerationProblem(
                f"{name}: truncated or corrupt image data ({reason}); copy or export it again"
            ) from None
    return image, rgb


def _claimed_pixels(exc: Exception) -> int:
    """Pixel count in Pillow's decompression-bomb message ("Image size (N pixels) ...")."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return int(found.group(1)) if found else 0


def _small_rgb(image: Image.Image, side: int) -> np.ndarray:
    """RGB copy at most SIDE px on the long side; transparency composited on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    if image.mode != "RGB":
        image = image.convert("RGB")
    factor = max(1, max(image.size) // side)
    small = image.reduce(factor) if factor > 1 else image  # box filter: cheap
    if max(small.size) > side:
        scale = side / max(small.size)
        size = (max(1, round(small.width * scale)), max(1, round(small.height * scale)))
        small = small.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(small)


def read_generation(path: Path, limits: Limits, side: int, data: bytes | None = None) -> Generation:
    """Decode one generated image and read what its tool embedded (GenerationProblem if bad)."""
    data = read_bytes(path, limits) if data is None else data
    image, rgb = decode(path.name, data, limits, side)
    with image:
        chunks = text_chunks(image)
        return Generation(
            source=path,
            sha256=sha256_of(data),
            width=image.width,
            height=image.height,
            format=FORMATS[str(image.format)],
            embedded=read_embedded(chunks, path.stem),
            rgb=rgb,
        )


def store_copy(generation: Generation, data: bytes, concepts_dir: Path) -> str:
    """Copy the file into concepts/generations/ as <id><suffix>; its project-relative path."""
    name = f"{generation.candidate_id}{generation.suffix}"
    target = concepts_dir / GENERATIONS_DIR / name
    if not (target.is_file() and sha256_of(target.read_bytes()) == generation.sha256):
        atomic_write_bytes(target, data)
    return f"{concepts_dir.name}/{GENERATIONS_DIR}/{name}"
