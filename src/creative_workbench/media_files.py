"""Which files count as media, by suffix: one list for every stage (ingest, research, QA,
concepts) and the explorer."""

from __future__ import annotations

from pathlib import Path

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".3gp", ".mpeg", ".mpg"}
)
MEDIA_SUFFIXES = IMAGE_SUFFIXES | VIDEO_SUFFIXES


def is_image(path: Path) -> bool:
    """True for a still image the workbench reads (PNG, JPEG, WebP)."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def is_media(path: Path) -> bool:
    """True for an image or video file, hidden files (".name") excluded."""
    return path.suffix.lower() in MEDIA_SUFFIXES and not path.name.startswith(".")
