"""Small real media files for the QA gate tests and benchmark, encoded with PyAV."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

RATE = 48_000
PALETTE = {"ink": "#14213D", "fjord": "#1F6F8B", "frost": "#F2F5F7", "signal": "#FF6B35"}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def font(size: int) -> ImageFont.FreeTypeFont:
    for name in ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_logo(path: Path, size: tuple[int, int] = (320, 100)) -> Path:
    """A distinct RGBA wordmark: badge, emblem, chevrons and a name."""
    width, height = size
    logo = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle(
        (0, 0, width - 1, height - 1),
        height // 5,
        fill=(*rgb(PALETTE["frost"]), 255),
        outline=(*rgb(PALETTE["ink"]), 255),
        width=3,
    )
    pad = height // 6
    draw.ellipse((pad, pad, height - pad, height - pad), fill=(*rgb(PALETTE["ink"]), 255))
    c, r = height // 2, height // 3
    for offset in (4, 4 + r // 2):
        draw.line(
            [(c - r // 2 + offset, c - r // 2), (c + offset, c), (c - r // 2 + offset, c + r // 2)],
            fill=(*rgb(PALETTE["signal"]), 255),
            width=6,
        )
    draw.text(
        (height + 6, height * 0.45),
        "NORTHWIND",
        font=font(int(height * 0.32)),
        fill=(*rgb(PALETTE["ink"]), 255),
        anchor="lm",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    logo.save(path)
    return path


def ad_frame(
    size: tuple[int, int],
    t: float,
    duration: float,
    *,
    logo: Path | None,
    cta: str = "Shop now",
    headline: str = "Run further",
    end_card_s: float = 2.5,
    background: str = PALETTE["fjord"],
    logo_from_s: float = 0.5,
    text_top_pct: float = 40.0,
) -> np.ndarray:
    """One frame of a branded spot: headline body, then an end card with the CTA."""
    width, height = size
    end = t >= duration - end_card_s
    image = Image.new("RGB", size, rgb(PALETTE["ink"] if end else background))
    draw = ImageDraw.Draw(image)
    text = cta if end else headline
    size_px = max(12, int(width * 0.09))
    draw.text(
        (width // 2, int(height * text_top_pct / 100)),
        text,
        font=font(size_px),
        fill=rgb(PALETTE["frost"]),
        anchor="mm",
    )
    if not end:
        draw.rectangle(
            (int(width * 0.3), int(height * 0.55), int(width * 0.7), int(height * 0.62)),
            fill=rgb(PALETTE["signal"]),
        )
    if logo is not None and t >= logo_from_s:
        mark = Image.open(logo)
        logo_w = int(width * 0.3)
        mark = mark.resize((logo_w, int(mark.height * logo_w / mark.width)))
        image.paste(mark, ((width - logo_w) // 2, int(height * 0.2)), mark)
    return np.asarray(image)


def music_and_voice(
    seconds: float, *, voice: bool = True, level: float = 0.7, seed: int = 1
) -> np.ndarray:
    """A steady chord bed, plus syllable-rate modulated formant-like bursts; (2, n)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    bed = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3 * 0.5
    mix = bed.copy()
    if voice:
        syllables = (np.sin(2 * np.pi * 4.5 * t) > 0.1).astype(float)
        syllables *= rng.uniform(0.6, 1.0, size=t.size // RATE + 1).repeat(RATE)[: t.size]
        carrier = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(2, 12))
        mix += 1.2 * syllables * carrier
    mix = mix / np.max(np.abs(mix)) * level
    return np.stack([mix, mix]).astype(np.float32)


def write_media(
    path: Path,
    *,
    size: tuple[int, int] = (360, 640),
    seconds: float = 6.0,
    fps: int = 25,
    frame: Callable[[float], np.ndarray] | None = None,
    audio: np.ndarray | None = None,
    codec: str = "libx264",
    audio_codec: str = "aac",
    rotation: int | None = None,
    sar: Fraction | None = None,
    gop: int | None = None,
) -> Path:
    """Encode a video (and optional stereo audio) with PyAV; returns PATH."""
    frame = frame or (lambda t: np.full((size[1], size[0], 3), 90, np.uint8))
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        video = container.add_stream(codec, rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.codec_context.gop_size = gop or fps
        if codec == "libx264":
            video.options = {"preset": "ultrafast"}
        if sar is not None:
            video.codec_context.sample_aspect_ratio = sar
        if rotation is not None:
            video.set_display_rotation(rotation)
        sound = None
        if audio is not None:
            sound = container.add_stream(audio_codec, rate=RATE)
            sound.layout = "stereo"
        for index in range(int(seconds * fps)):
            image = av.VideoFrame.from_ndarray(frame(index / fps), format="rgb24")
            image.pts = index
            image.time_base = Fraction(1, fps)
            container.mux(video.encode(image))
        container.mux(video.encode())
        if sound is not None and audio is not None:
            _encode_audio(container, sound, audio)
    return path


def _encode_audio(container, stream, audio: np.ndarray) -> None:
    chunk = 1024
    for start in range(0, audio.shape[1], chunk):
        block = np.ascontiguousarray(audio[:, start : start + chunk], dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
        frame.sample_rate = RATE
        frame.pts = start
        frame.time_base = Fraction(1, RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode())


def ad_spot(
    path: Path,
    logo: Path | None,
    *,
    size: tuple[int, int] = (360, 640),
    seconds: float = 8.0,
    cta: str = "Shop now",
    voice: bool = True,
    audio: np.ndarray | None = None,
    **frame_options,
) -> Path:
    """A complete branded spot with audio: the 'clean deliverable' of the tests."""
    sound = audio if audio is not None else music_and_voice(seconds, voice=voice)
    return write_media(
        path,
        size=size,
        seconds=seconds,
        audio=sound,
        frame=lambda t: ad_frame(size, t, seconds, logo=logo, cta=cta, **frame_options),
    )


def bad_files(folder: Path) -> dict[str, Path]:
    """One file per bad-input case the gate must refuse with 'cannot be checked'."""
    folder.mkdir(parents=True, exist_ok=True)
    good = write_media(folder / "good.mp4", size=(64, 64), seconds=1.0)
    data = good.read_bytes()
    files = {
        "zero-byte": folder / "zero.mp4",
        "truncated": folder / "truncated.mp4",
        "text": folder / "notes.mp4",
        "unsupported codec": folder / "unknown_codec.mp4",
    }
    files["zero-byte"].write_bytes(b"")
    files["truncated"].write_bytes(data[: len(data) * 2 // 3])
    files["text"].write_text("this is a text file, not a video\n", "utf-8")
    files["unsupported codec"].write_bytes(data.replace(b"avc1", b"zzzz"))
    files["no video stream"] = _audio_only(folder / "audio_only.mp4")
    files["absurd dimensions"] = _absurd(folder / "absurd.mov")
    files["zero duration"] = _empty(folder / "empty.mp4")
    files["corrupt audio"] = _corrupt_audio(folder / "corrupt_audio.mp4")
    return files


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=RATE)
        stream.layout = "stereo"
        _encode_audio(container, stream, music_and_voice(1.0))
    return path


def _absurd(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 4000, 16, "rgb24"
        frame = av.VideoFrame.from_ndarray(np.zeros((16, 4000, 3), np.uint8), format="rgb24")
        frame.pts, frame.time_base = 0, Fraction(1, 1)
        container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def _empty(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        container.start_encoding()
    return path


def _corrupt_audio(path: Path) -> Path:
    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        sound = container.add_stream("aac", rate=RATE)
        sound.layout = "stereo"
        for index in range(50):
            frame = av.VideoFrame.from_ndarray(
                np.full((64, 64, 3), index * 4, np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = index, Fraction(1, 25)
            container.mux(video.encode(frame))
        container.mux(video.encode())
        for index in range(90):
            packet = av.Packet(rng.integers(0, 256, 300, dtype=np.uint8).tobytes())
            packet.stream = sound
            packet.pts = packet.dts = index * 1024
            packet.time_base = Fraction(1, RATE)
            container.mux(packet)
    return path
