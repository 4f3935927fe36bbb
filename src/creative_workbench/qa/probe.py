"""Probe a media file: container, streams, codecs, display size, duration, bitrate, size."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from creative_workbench.errors import MediaError

MAX_SIDE = 16384
MIN_SIDE = 16
MAX_ASPECT = 8.0
IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
ISO_CONTAINERS = {"mp4", "mov", "m4v", "3gp", "3g2", "m4a"}


@dataclass(frozen=True)
class VideoInfo:
    """The first video stream (or the image) as it is stored and as it is displayed."""

    codec: str
    width: int
    height: int
    rotation: int
    sample_aspect_ratio: float
    display_width: int
    display_height: int
    frame_rate: float | None
    frames: int | None
    display_ratio: Fraction | None = None


@dataclass(frozen=True)
class AudioInfo:
    """The first audio stream."""

    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MediaInfo:
    """What a file is: kind ('video' or 'image'), container, streams, duration and size."""

    path: str
    kind: str
    container: str
    size_bytes: int
    duration_s: float
    bit_rate: int | None
    video: VideoInfo
    audio: AudioInfo | None

    @property
    def display_aspect(self) -> float:
        """Display width / height (after rotation and sample aspect ratio)."""
        return float(self.display_aspect_ratio)

    @property
    def display_aspect_ratio(self) -> Fraction:
        """The exact display aspect, reduced (stored size with the SAR applied, then rotated)."""
        video = self.video
        return video.display_ratio or Fraction(video.display_width, video.display_height)


def display_size(width: int, height: int, sar: float, rotation: int) -> tuple[int, int]:
    """Display dimensions: non-square pixels stretch the width; 90/270° rotation swaps."""
    shown_width = round(width * sar) if sar > 0 else width
    if rotation % 180 != 0:
        return height, shown_width
    return shown_width, height


def display_ratio(width: int, height: int, sar: Fraction | None, rotation: int) -> Fraction:
    """The exact display aspect: width × SAR / height, inverted by a 90/270° rotation."""
    ratio = Fraction(width, height) * (sar if sar and sar > 0 else 1)
    return 1 / ratio if rotation % 180 != 0 else ratio


def sniff_kind(head: bytes) -> str:
    """'image', 'text' or 'media' from a file's first bytes."""
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            pass
    return "media"


def probe(path: Path | str) -> MediaInfo:
    """Probe PATH; a file that cannot be checked raises MediaError with the reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError(f"cannot read file: {exc.strerror}") from None
    if size == 0:
        raise MediaError("zero-byte file")
    with path.open("rb") as handle:
        head = handle.read(512)
    kind = sniff_kind(head)
    if kind == "text":
        raise MediaError(f"a text file, not media (named {path.suffix or 'without extension'})")
    if kind == "image":
        return _probe_image(path, size)
    return _probe_av(path, size)


def _probe_image(path: Path, size: int) -> MediaInfo:
    try:
        with Image.open(path) as image:
            image.load()
            fmt = IMAGE_FORMATS.get(image.format or "")
            orientation = image.getexif().get(0x0112, 1)
            width, height = image.size
    except OSError as exc:
        raise MediaError(f"damaged or truncated image: {exc}") from None
    if fmt is None:
        raise MediaError("unsupported image format (use JPEG, PNG or WebP)")
    _check_dimensions(width, height)
    rotation = {6: -90, 8: 90, 5: -90, 7: 90, 3: 180}.get(orientation, 0)
    shown = display_size(width, height, 1.0, rotation)
    video = VideoInfo(fmt, width, height, rotation, 1.0, shown[0], shown[1], None, None)
    return MediaInfo(str(path), "image", fmt, size, 0.0, None, video, None)


def _probe_av(path: Path, size: int) -> MediaInfo:
    truncated = iso_truncation(path, size)
    if truncated:
        raise MediaError(truncated)
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise MediaError(f"not a readable media file ({_short(exc)})") from None
    with container:
        if not container.streams.video:
            if _empty_video_track(path):
                raise MediaError("zero duration (the movie holds no frames)")
            raise MediaError("no video stream")
        stream = container.streams.video[0]
        context = stream.codec_context
        if context is None or context.codec is None or context.name in {"none", ""}:
            raise MediaError(f"unsupported video codec (tag {_tag(stream)})")
        codec = _codec_id(context)
        width, height = context.width, context.height
        _check_dimensions(width, height)
        rotation = first_frame_rotation(container, stream)
        exact_sar = stream.sample_aspect_ratio or context.sample_aspect_ratio
        sar = _float(exact_sar) or 1.0
        shown = display_size(width, height, sar, rotation)
        duration = _duration(container, stream)
        if duration <= 0:
            raise MediaError("zero duration")
        rate = _float(stream.average_rate or stream.guessed_rate)
        video = VideoInfo(
            codec,
            width,
            height,
            rotation,
            sar,
            shown[0],
            shown[1],
            rate,
            stream.frames or None,
            display_ratio(width, height, exact_sar, rotation),
        )
        audio = None
        if container.streams.audio:
            a = container.streams.audio[0].codec_context
            audio = AudioInfo(
                _codec_id(a),
                int(a.sample_rate or 0) if a is not None else 0,
                int(a.channels or 0) if a is not None else 0,
            )
        name = _container_name(container.format.name, path.suffix, codec)
        return MediaInfo(
            str(path), "video", name, size, duration, container.bit_rate or None, video, audio
        )


def first_frame_rotation(container: av.container.InputContainer, stream) -> int:
    """Rotation (degrees counter-clockwise, a multiple of 90) from the display matrix."""
    try:
        for frame in container.decode(stream):
            return round((frame.rotation or 0) / 90.0) * 90 % 360
    except av.error.FFmpegError as exc:
        raise MediaError(f"video cannot be decoded ({_short(exc)})") from None
    raise MediaError("zero duration (no video frames)")


def _check_dimensions(width: int, height: int) -> None:
    if (
        not width
        or not height
        or min(width, height) < MIN_SIDE
        or max(width, height) > MAX_SIDE
        or max(width, height) / min(width, height) > MAX_ASPECT
    ):
        raise MediaError(f"absurd declared dimensions {width}×{height}")


def _codec_id(context) -> str:
    """The codec id ('mp3', 'av1', 'opus'), not the decoder's name ('mp3float', 'libdav1d')."""
    if context is None or context.codec is None:
        return "none"
    return context.codec.canonical_name


def _duration(container, stream) -> float:
    """The container's duration when it declares one, else the video stream's."""
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return max(0.0, float(stream.duration * stream.time_base))
    return 0.0


def _container_name(format_name: str, suffix: str, codec: str) -> str:
    ext = suffix.lower().lstrip(".")
    names = format_name.split(",")
    if "mp4" in names or "mov" in names:
        return ext if ext in ISO_CONTAINERS else "mp4"
    if "webm" in names or "matroska" in names:
        return "webm" if ext == "webm" or codec in {"vp8", "vp9", "av1"} else "mkv"
    return names[0]


def iso_truncation(path: Path, size: int) -> str | None:
    """For MP4/MOV files: a reason when a top-level box runs past the end of the file."""
    offset = 0
    with path.open("rb") as handle:
        header = handle.read(12)
        if header[4:8] not in {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"}:
            return None
        while offset < size:
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                return f"truncated MP4: {size - offset} stray bytes at the end"
            box_size, box_type = struct.unpack(">I4s", header[:8])
            if box_size == 1 and len(header) >= 16:
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8:
                return f"damaged MP4: box at byte {offset} has size {box_size}"
            if offset + box_size > size:
                name = box_type.decode("latin-1")
                return (
                    f"truncated MP4: box '{name}' declares {box_size} bytes, "
                    f"only {size - offset} present"
                )
            offset += box_size
    return None


def _empty_video_track(path: Path) -> bool:
    """True for an MP4/MOV with a movie header but no track (or only an empty video track)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head[4:8] != b"ftyp" or b"mvhd" not in head:
        return False
    return b"trak" not in head or (b"vide" in head and b"soun" not in head)


def _tag(stream) -> str:
    tag = getattr(stream.codec_context, "codec_tag", "") if stream.codec_context else ""
    return repr(tag) if tag else "unknown"


def _float(value: Fraction | float | int | None) -> float | None:
    return float(value) if value else None


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160]
