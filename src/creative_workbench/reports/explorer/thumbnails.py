"""Card thumbnails: a small JPEG of each ad's image, or of a video's first and last frames.

Media comes from the project's raw/media folder: the ad's `media_path` (an image matched by
ingest), or a video named after the ad's raw id or ad id. Thumbnails are cached as JPEG files
under cache/thumbnails, keyed by the file's path, size and modification time, and handed to
HTML as data URIs so cards and exported boards need no file server and open offline.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from creative_workbench.atomic import atomic_write_bytes
from creative_workbench.errors import MediaError
from creative_workbench.media_files import VIDEO_SUFFIXES

THUMBNAIL_LONG_SIDE = 320
JPEG_QUALITY = 80


@dataclass(frozen=True)
class Thumbnail:
    """One picture for a card: what it shows ('image', 'first frame', 'last frame')."""

    label: str
    data_uri: str


class ThumbnailCache:
    """Thumbnails for the ads of one project, generated once and kept in CACHE_DIR."""

    def __init__(self, project_root: Path, media_dir: Path, cache_dir: Path) -> None:
        self.project_root = Path(project_root)
        self.media_dir = Path(media_dir)
        self.folder = Path(cache_dir) / "thumbnails"
        self._videos: dict[str, Path] | None = None
        self._memory: dict[tuple[str, str], tuple[Thumbnail, ...]] = {}

    @classmethod
    def for_project(cls, project) -> ThumbnailCache:
        """The cache of a loaded Project."""
        return cls(project.root, project.raw_media_dir, project.cache_dir)

    def _video_index(self) -> dict[str, Path]:
        if self._videos is None:
            found = sorted(self.media_dir.iterdir()) if self.media_dir.is_dir() else []
            self._videos = {p.stem: p for p in found if p.suffix.lower() in VIDEO_SUFFIXES}
        return self._videos

    def media_for(self, row: dict) -> Path | None:
        """The media file of an ad row, or None."""
        if row.get("media_path"):
            path = self.project_root / str(row["media_path"])
            if path.is_file():
                return path
        index = self._video_index()
        for key in (row.get("raw_id"), row.get("ad_id")):
            if key and str(key) in index:
                return index[str(key)]
        return None

    def for_ad(self, row: dict) -> tuple[Thumbnail, ...]:
        """The ad's thumbnails (none when it has no readable media)."""
        path = self.media_for(row)
        if path is None:
            return ()
        stat = path.stat()
        key = (str(path), f"{stat.st_size}:{stat.st_mtime_ns}")
        if key not in self._memory:
            try:
                self._memory[key] = self._build(path, key[1])
            except MediaError:
                self._memory[key] = ()
        return self._memory[key]

    def _build(self, path: Path, version: str) -> tuple[Thumbnail, ...]:
        digest = hashlib.sha256(f"{path.resolve()}|{version}".encode()).hexdigest()[:24]
        is_video = path.suffix.lower() in VIDEO_SUFFIXES
        labels = ("first frame", "last frame") if is_video else ("image",)
        files = [self.folder / f"{digest}-{i}.jpg" for i in range(len(labels))]
        if not all(f.is_file() for f in files):
            pictures = video_frames(path) if is_video else [image_thumbnail(path)]
            for file, picture in zip(files, pictures, strict=True):
                atomic_write_bytes(file, picture)
        return tuple(
            Thumbnail(label, jpeg_data_uri(file.read_bytes()))
            for label, file in zip(labels, files, strict=True)
        )


def _jpeg(image: Image.Image) -> bytes:
    image = image.convert("RGB")
    image.thumbnail((THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def image_thumbnail(path: Path) -> bytes:
    """A JPEG thumbnail of an image file (EXIF orientation applied)."""
    from PIL import ImageOps

    try:
        with Image.open(path) as image:
            return _jpeg(ImageOps.exif_transpose(image))
    except OSError as exc:
        raise MediaError(f"{path.name}: cannot read image ({exc})") from None


def video_frames(path: Path) -> list[bytes]:
    """JPEG thumbnails of a video's first and last frames, display-oriented."""
    from creative_workbench.qa.decode import sample_frames
    from creative_workbench.qa.probe import probe

    info = probe(path)
    last = max(0.0, info.duration_s - 0.05)
    frames = sample_frames(info, [0.0, last], long_side=THUMBNAIL_LONG_SIDE)
    if len(frames) == 1:
        frames = frames * 2
    return [_jpeg(Image.fromarray(frame.rgb)) for frame in frames]


def jpeg_data_uri(data: bytes) -> str:
    """A data: URI for JPEG bytes."""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
