"""Decoding helpers: frames as downscaled RGB, a few frames by seeking, images, the audio track."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps

from creative_workbench.errors import MediaError
from creative_workbench.qa.probe import MediaInfo

ANALYSIS_LONG_SIDE = 480
MAX_BAD_PACKET_SHARE = 0.01
# Planar audio with this many channels or more is read through a packed copy.
DIRECT_PLANES_MAX = 8
# FFmpeg's default layout per channel count (av_channel_layout_default), for unordered layouts.
DEFAULT_LAYOUTS = {
    1: "mono",
    2: "stereo",
    3: "2.1",
    4: "4.0",
    5: "5.0",
    6: "5.1",
    7: "6.1",
    8: "7.1",
}
# 0: FFmpeg picks (frame threads, lowest latency for one file); 1: single-threaded, the least
# CPU per frame, for batch workers that already keep every core busy.
_decoder_threads = 0


def set_decoder_threads(count: int) -> None:
    """Threads per video decoder for this process (0 = automatic)."""
    global _decoder_threads
    _decoder_threads = max(0, int(count))


@dataclass(frozen=True)
class SampledFrame:
    """A decoded frame at TIME seconds, display-oriented RGB (h, w, 3) uint8."""

    time: float
    rgb: np.ndarray


@dataclass(frozen=True)
class AudioTrack:
    """The whole audio track as float32 samples shaped (n, channels), with FFmpeg's channel
    names for the layout (FL, FR, FC, LFE, BL, BR, ...; empty when unknown)."""

    samples: np.ndarray
    sample_rate: int
    channel_names: tuple[str, ...] = ()

    def layout_channels(self) -> tuple[str, ...] | None:
        """The channel names when they match the sample columns, else None."""
        names = self.channel_names
        return names if names and len(names) == self.samples.shape[1] else None

    @property
    def duration_s(self) -> float:
        return self.samples.shape[0] / self.sample_rate if self.sample_rate else 0.0


def analysis_size(width: int, height: int, long_side: int = ANALYSIS_LONG_SIDE) -> tuple[int, int]:
    """Downscaled (width, height) with the long side at most LONG_SIDE, both even."""
    scale = min(1.0, long_side / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def decoder_threads() -> int:
    """Threads per video decoder in this process (0 = automatic)."""
    return _decoder_threads


def to_rgb(frame, size: tuple[int, int], turns: int) -> np.ndarray:
    """A decoded video frame as RGB at SIZE (stored orientation), turned for display."""
    rgb = frame.reformat(
        width=size[0], height=size[1], format="rgb24", interpolation="AREA"
    ).to_ndarray()
    return np.rot90(rgb, turns)


def sample_frames(
    info: MediaInfo, times: Iterable[float], long_side: int = ANALYSIS_LONG_SIDE
) -> list[SampledFrame]:
    """A few frames by seeking (thumbnails): the frame shown at each of TIMES, in time order.

    The QA gate does not use this: it takes its frames from one decode pass (video_pass).
    """
    video = info.video
    if info.kind == "image":
        return [SampledFrame(0.0, load_image(Path(info.path), long_side))]
    shown = analysis_size(video.display_width, video.display_height, long_side)
    turns = (video.rotation // 90) % 4
    size = (shown[1], shown[0]) if turns % 2 else shown
    frames: list[SampledFrame] = []
    try:
        with av.open(info.path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for target in sorted(set(times)):
                container.seek(_to_pts(stream, max(0.0, target)), stream=stream, backward=True)
                chosen = None
                for frame in container.decode(stream):
                    if chosen is not None and frame_time(frame, stream) > target + 1e-6:
                        break
                    chosen = frame
                if chosen is not None:
                    frames.append(
                        SampledFrame(frame_time(chosen, stream), to_rgb(chosen, size, turns))
                    )
    except av.error.FFmpegError as exc:
        reason = " ".join(str(exc).split())[:120]
        raise MediaError(f"video cannot be decoded ({reason})") from None
    if not frames:
        raise MediaError("zero duration (no video frames decode)")
    return frames


def _to_pts(stream, seconds: float) -> int:
    start = stream.start_time or 0
    return int(seconds / stream.time_base) + start


def frame_time(frame, stream) -> float:
    """A frame's time in seconds from the stream's start."""
    if frame.pts is None:
        return float(frame.time or 0.0)
    start = stream.start_time or 0
    return float((frame.pts - start) * stream.time_base)


def load_image(path: Path, long_side: int = ANALYSIS_LONG_SIDE) -> np.ndarray:
    """An image file as display-oriented, downscaled RGB uint8."""
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode in {"RGBA", "LA", "P"}:
            image = image.convert("RGBA")
            backdrop = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(backdrop, image)
        image = image.convert("RGB")
        size = analysis_size(image.width, image.height, long_side)
        return np.asarray(image.resize(size, Image.Resampling.BILINEAR))


def decode_audio(path: Path | str) -> AudioTrack | None:
    """Decode the first audio stream once; None without audio; MediaError when corrupt."""
    chunks: list[np.ndarray] = []
    bad = packets = 0
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or 0)
        names = _channel_names(stream.codec_context.layout)
        try:
            for frame in container.decode(stream):
                chunks.append(_planar_float(frame))
                rate = frame.sample_rate or rate
                names = _channel_names(frame.layout) or names
        except av.error.FFmpegError:
            chunks.clear()
            container.seek(0)
            bad, packets = _decode_packetwise(container, stream, chunks)
    if packets and (bad > max(1, MAX_BAD_PACKET_SHARE * packets) or not chunks):
        raise MediaError(f"corrupt audio: {bad} of {packets} audio packets fail to decode")
    if not chunks or not rate:
        return AudioTrack(np.zeros((0, 1), np.float32), rate or 48000)
    samples = np.concatenate(chunks, axis=1).T.astype(np.float32, copy=False)
    return AudioTrack(np.ascontiguousarray(samples), rate, names)


def _channel_names(layout) -> tuple[str, ...]:
    """FFmpeg's channel names for an audio layout (empty when there is none).

    A layout of unspecified order (a WAV without a channel mask: every name 'NONE') gets
    FFmpeg's default layout for its channel count, as ffmpeg's own filters assume.
    """
    if layout is None:
        return ()
    names = tuple(channel.name for channel in layout.channels)
    default = DEFAULT_LAYOUTS.get(len(names))
    if "NONE" in names and default is not None:
        return tuple(channel.name for channel in av.AudioLayout(default).channels)
    return names


def _planar_float(frame) -> np.ndarray:
    """An audio frame as float32 (channels, samples), whatever its layout."""
    channels = len(frame.layout.channels)
    if frame.format.is_planar and channels >= DIRECT_PLANES_MAX:
        # PyAV's plane access reads past FFmpeg's 8 data pointers (a segfault on 7.1 AAC):
        # FFmpeg converts such frames to one packed plane instead.
        resampler = av.AudioResampler(format="flt", layout=frame.layout, rate=frame.sample_rate)
        packed = [f.to_ndarray().reshape(-1, channels) for f in resampler.resample(frame)]
        return np.concatenate(packed).T if packed else np.zeros((channels, 0), np.float32)
    data = frame.to_ndarray()
    if not frame.format.is_planar:
        data = data.reshape(-1, channels).T
    if data.dtype == np.uint8:
        return (data.astype(np.float32) - 128) / 128
    if np.issubdtype(data.dtype, np.integer):
        return data.astype(np.float32) / float(np.iinfo(data.dtype).max + 1)
    return data.astype(np.float32, copy=False)


def _decode_packetwise(container, stream, chunks: list[np.ndarray]) -> tuple[int, int]:
    """Decode packet by packet, counting the packets that fail; returns (bad, total)."""
    bad = packets = 0
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        packets += 1
        try:
            decoded = packet.decode()
        except av.error.FFmpegError:
            bad += 1
            continue
        chunks.extend(_planar_float(frame) for frame in decoded)
    return bad, packets
