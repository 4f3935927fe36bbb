"""Decode only what the checks need: a few sampled frames (downscaled RGB) and the audio once."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps

from creative_workbench.errors import MediaError
from creative_workbench.qa.probe import MediaInfo

ANALYSIS_LONG_SIDE = 480
# Without a keyframe index, targets further ahead than this are reached by seeking.
SEEK_GAP_S = 1.0
MAX_BAD_PACKET_SHARE = 0.01
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


class FrameSampler:
    """Frames on demand at given times, downscaled and display-oriented.

    Seeks land on the previous keyframe; a frame up to TOLERANCE_S before the target is
    accepted (often that keyframe), otherwise the decoder goes forward to the target.
    Targets a little ahead are reached by decoding on without another seek.
    """

    def __init__(self, info: MediaInfo, long_side: int = ANALYSIS_LONG_SIDE) -> None:
        self.info = info
        video = info.video
        shown_w, shown_h = analysis_size(video.display_width, video.display_height, long_side)
        self._turns = (video.rotation // 90) % 4
        self._size = (shown_h, shown_w) if self._turns % 2 else (shown_w, shown_h)
        self._long_side = long_side
        self._container = None
        self._stream = None
        self._decoder = None
        self._position = -math.inf
        self._last = None
        self._exhausted = False
        self._keyframes: list[float] | None = None
        self.frames: list[SampledFrame] = []

    def __enter__(self) -> FrameSampler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the decoder."""
        if self._container is not None:
            self._container.close()
            self._container = None

    def keyframe_times(self) -> list[float]:
        """Keyframe times from the container index (empty when the index has none)."""
        if self.info.kind == "image":
            return [0.0]
        if self._keyframes is None:
            self._open()
            stream = self._stream
            start = stream.start_time or 0
            self._keyframes = sorted(
                float((e.timestamp - start) * stream.time_base)
                for e in stream.index_entries
                if e.is_keyframe
            )
        return self._keyframes

    def snap(self, target: float, window_s: float) -> float:
        """The keyframe time nearest TARGET within WINDOW_S (cheap to decode), else TARGET."""
        near = [t for t in self.keyframe_times() if abs(t - target) <= window_s]
        return min(near, key=lambda t: abs(t - target)) + 1e-3 if near else target

    def _open(self) -> None:
        if self._container is None:
            self._container = av.open(self.info.path)
            self._stream = self._container.streams.video[0]
            if _decoder_threads == 1:
                self._stream.codec_context.thread_count = 1
            else:
                self._stream.thread_type = "AUTO"

    def at(self, target: float, tolerance_s: float = 0.5) -> SampledFrame:
        """The frame shown at TARGET seconds (or up to TOLERANCE_S earlier)."""
        for frame in self.frames:
            if target - tolerance_s <= frame.time <= target + 1e-6:
                return frame
        if self.info.kind == "image":
            if not self.frames:
                self.frames.append(
                    SampledFrame(0.0, load_image(Path(self.info.path), self._long_side))
                )
            return self.frames[0]
        try:
            chosen = self._decode_to(max(target, 0.0), tolerance_s)
        except av.error.FFmpegError as exc:
            reason = " ".join(str(exc).split())[:120]
            raise MediaError(f"video cannot be decoded ({reason})") from None
        if chosen is None:
            raise MediaError("zero duration (no video frames decode)")
        rgb = chosen.reformat(
            width=self._size[0], height=self._size[1], format="rgb24", interpolation="AREA"
        ).to_ndarray()
        sampled = SampledFrame(_frame_time(chosen, self._stream), np.rot90(rgb, self._turns))
        self.frames.append(sampled)
        return sampled

    def _decode_to(self, target: float, tolerance_s: float):
        self._open()
        behind = target < self._position - 1e-6
        if self._decoder is None or behind or self._seek_pays(target):
            if self._exhausted and not behind and self._last is not None:
                return self._last
            self._container.seek(_to_pts(self._stream, target), stream=self._stream, backward=True)
            self._decoder = self._container.decode(self._stream)
            self._exhausted = False
        for frame in self._decoder:
            self._position = _frame_time(frame, self._stream)
            self._last = frame
            if self._position >= target - tolerance_s:
                return frame
        self._exhausted = True
        return self._last

    def _seek_pays(self, target: float) -> bool:
        """True when a keyframe lies between the decoder and TARGET (seeking skips frames)."""
        keyframes = self.keyframe_times()
        if not keyframes:
            return target - self._position > SEEK_GAP_S
        before = bisect_right(keyframes, target) - 1
        return before >= 0 and keyframes[before] > self._position + 1e-6


def sample_frames(
    info: MediaInfo,
    times: Iterable[float],
    long_side: int = ANALYSIS_LONG_SIDE,
    tolerance_s: float = 0.25,
) -> list[SampledFrame]:
    """Frames at (or up to TOLERANCE_S before) each of TIMES, in time order."""
    with FrameSampler(info, long_side) as sampler:
        return [sampler.at(t, tolerance_s) for t in sorted(set(times))]


def _to_pts(stream, seconds: float) -> int:
    start = stream.start_time or 0
    return int(seconds / stream.time_base) + start


def _frame_time(frame, stream) -> float:
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
    """An audio frame as float32 (channels, samples)."""
    data = frame.to_ndarray()
    if not frame.format.is_planar:
        data = data.reshape(-1, len(frame.layout.channels)).T
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
