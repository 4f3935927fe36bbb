"""One sequential decode pass per video: every frame decoded once, in order.

The pass counts decode errors (exceptions, FFmpeg's error log, frames flagged corrupt) with
their times, finds black and frozen segments on a small luma copy of each frame (the rules
of ffmpeg's blackdetect and freezedetect), measures the peak frame rate over a sliding
window, finds where the final picture (the end card) starts, and keeps the frames shown at
the requested times as downscaled RGB. Nothing is decoded twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import av
import av.logging
import numpy as np
from av.video.reformatter import VideoReformatter

from creative_workbench.errors import MediaError
from creative_workbench.qa.decode import (
    SampledFrame,
    analysis_size,
    decoder_threads,
    frame_time,
    to_rgb,
)
from creative_workbench.qa.probe import MediaInfo

LUMA_LONG_SIDE = 64
# AREA averages every source pixel: an encoder refining a held picture stays under the freeze
# threshold (FAST_BILINEAR, 4x cheaper, samples single pixels and misses such freezes).
LUMA_SCALER = "AREA"
# Mean grey difference (0-255) under which two frames show the same picture (end card hold).
SAME_FRAME_DIFF = 6.0


@dataclass(frozen=True)
class PictureLimits:
    """Defaults for the picture checks (ffmpeg blackdetect / freezedetect defaults)."""

    black_pixel: float = 0.10  # a pixel is black at or below this share of full luma
    black_share: float = 0.98  # a frame is black when this share of its pixels is
    black_min_s: float = 2.0
    # Mean absolute difference to the frozen frame, dB of full scale. ffmpeg's -60 dB misses
    # held pictures an encoder keeps refining (~0.5 grey levels apart); -50 dB is 0.8 levels.
    freeze_noise_db: float = -50.0
    freeze_min_s: float = 2.0
    # Frozen segments only count in moving pictures (motion graphics hold titles by design).
    moving_share: float = 0.5
    rate_window_s: float = 1.0
    severity: str = "warn"


PICTURE_LIMITS = PictureLimits()


@dataclass
class PassResult:
    """What one pass over a video found."""

    frames: list[SampledFrame]
    last: SampledFrame
    frame_count: int
    error_times: list[float] = field(default_factory=list)
    black: list[tuple[float, float]] = field(default_factory=list)
    frozen: list[tuple[float, float]] = field(default_factory=list)
    peak_frame_rate: float | None = None
    final_picture_s: float = 0.0


class _Segments:
    """Runs of frames that meet a condition, kept when they last at least MIN_S."""

    def __init__(self, min_s: float) -> None:
        self.min_s = min_s
        self.start: float | None = None
        self.found: list[tuple[float, float]] = []

    def update(self, time: float, inside: bool) -> None:
        if inside and self.start is None:
            self.start = time
        elif not inside and self.start is not None:
            self.close(time)

    def close(self, end: float) -> None:
        if self.start is not None and end - self.start >= self.min_s - 1e-6:
            self.found.append((self.start, end))
        self.start = None


class _Analysis:
    """Per-frame analysis of the small luma copies."""

    def __init__(self, end_window_s: float, limits: PictureLimits) -> None:
        self.limits = limits
        self.black = _Segments(limits.black_min_s)
        self.frozen = _Segments(limits.freeze_min_s)
        self.freeze_diff = 255 * 10 ** (limits.freeze_noise_db / 20)
        self.reference: np.ndarray | None = None
        self.reference_time = 0.0
        self.previous: np.ndarray | None = None
        self.moving = 0
        self.times: list[float] = []
        self.tail: deque[tuple[float, np.ndarray]] = deque()
        self.end_window_s = end_window_s

    def add(self, time: float, luma: np.ndarray) -> None:
        limits = self.limits
        self.times.append(time)
        dark = np.count_nonzero(luma <= limits.black_pixel * 255) >= limits.black_share * luma.size
        self.black.update(time, dark)
        if self.previous is not None and _diff(luma, self.previous) > self.freeze_diff:
            self.moving += 1
        if self.reference is not None and _diff(luma, self.reference) <= self.freeze_diff:
            self.frozen.update(self.reference_time, True)
        else:
            self.frozen.update(time, False)
            self.reference, self.reference_time = luma, time
        self.previous = luma
        self.tail.append((time, luma))
        while self.tail and self.tail[0][0] < time - self.end_window_s:
            self.tail.popleft()

    def finish(self, end: float) -> tuple[list, list, float]:
        """Black and frozen segments and the start of the final picture."""
        self.black.close(end)
        self.frozen.close(end)
        final = self.tail[-1][1] if self.tail else None
        start = self.tail[0][0] if self.tail else end
        for time, luma in reversed(self.tail):
            if _diff(luma, final) >= SAME_FRAME_DIFF:
                break
            start = time
        # The held end card and black stretches (reported as black) are not freezes.
        frozen = [
            (a, min(b, start))
            for a, b in self.frozen.found
            if min(b, start) - a >= self.limits.freeze_min_s - 1e-6
            and not any(a >= c - 1e-6 and b <= d + 1e-6 for c, d in self.black.found)
        ]
        if self.moving < self.limits.moving_share * max(1, len(self.times) - 1):
            frozen = []
        return self.black.found, frozen, start


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a.astype(np.int16) - b)))


def peak_frame_rate(times: Iterable[float], window_s: float = 1.0) -> float | None:
    """The most frames shown in any WINDOW_S seconds, per second (over the whole file when
    it is shorter); None with fewer than two distinct frame times.

    A window ends a quarter of the typical frame interval early, so timestamps rounded to the
    millisecond never squeeze one frame too many into it.
    """
    stamps = np.unique(np.asarray(list(times), float))  # sorted; repeated stamps count once
    if stamps.size < 2:
        return None
    typical = float(np.median(np.diff(stamps)))
    window = min(window_s, stamps[-1] - stamps[0] + typical)
    ends = np.searchsorted(stamps, stamps + window - typical / 4, side="left")
    return float(np.max(ends - np.arange(stamps.size))) / window


def run_pass(
    info: MediaInfo,
    times: Iterable[float],
    end_window_s: float,
    limits: PictureLimits = PICTURE_LIMITS,
) -> PassResult:
    """Decode INFO's first video stream once; keep the frames shown at TIMES (seconds)."""
    targets = sorted(set(max(0.0, t) for t in times))
    video = info.video
    shown = analysis_size(video.display_width, video.display_height)
    turns = (video.rotation // 90) % 4
    size = (shown[1], shown[0]) if turns % 2 else shown
    luma_size = analysis_size(video.width, video.height, LUMA_LONG_SIDE)
    analysis = _Analysis(end_window_s, limits)
    shrink = VideoReformatter()  # one scaler for every frame (reconfiguring it costs more)
    kept: list[SampledFrame] = []
    errors: list[float] = []
    previous = None
    before = av.logging.get_level()
    av.logging.set_level(av.logging.ERROR)
    try:
        with av.logging.Capture(local=False) as logs, av.open(info.path) as container:
            stream = container.streams.video[0]
            if decoder_threads() == 1:
                stream.codec_context.thread_count = 1
            else:
                stream.thread_type = "AUTO"
            decoder = stream.codec_context.name
            logged = 0
            for packet in _packets(container, stream):
                try:
                    decoded = stream.decode(packet)
                except av.error.EOFError:
                    decoded = []
                except av.error.FFmpegError:
                    decoded = []
                    errors.append(_packet_time(packet, stream, previous))
                for frame in decoded:
                    time = frame_time(frame, stream)
                    while targets and time > targets[0] + 1e-6:
                        chosen = frame if previous is None else previous
                        kept.append(
                            SampledFrame(frame_time(chosen, stream), to_rgb(chosen, size, turns))
                        )
                        targets.pop(0)
                    if frame.is_corrupt:
                        errors.append(time)
                    luma = shrink.reformat(
                        frame, luma_size[0], luma_size[1], "gray", interpolation=LUMA_SCALER
                    ).to_ndarray()
                    analysis.add(time, luma)
                    previous = frame
                new = [e for e in logs[logged:] if e[1] == decoder and e[0] <= av.logging.ERROR]
                logged = len(logs)
                errors += [_packet_time(packet, stream, previous)] * len(new)
    except av.error.FFmpegError as exc:
        reason = " ".join(str(exc).split())[:120]
        raise MediaError(f"video cannot be decoded ({reason})") from None
    finally:
        av.logging.set_level(before)
    if previous is None:
        raise MediaError("zero duration (no video frames decode)")
    last = SampledFrame(frame_time(previous, stream), to_rgb(previous, size, turns))
    kept += [last] * len(targets)
    end = max(info.duration_s, last.time)
    black, frozen, final_start = analysis.finish(end)
    return PassResult(
        frames=unique_frames(kept),
        last=last,
        frame_count=len(analysis.times),
        error_times=sorted(errors),
        black=black,
        frozen=frozen,
        peak_frame_rate=peak_frame_rate(analysis.times, limits.rate_window_s),
        final_picture_s=final_start,
    )


def _packets(container, stream):
    """The stream's packets, then a flush packet (None) so the decoder drains."""
    for packet in container.demux(stream):
        if packet.size:
            yield packet
    yield None


def _packet_time(packet, stream, previous) -> float:
    """Where an error happened: the packet's time, else the last frame's."""
    if packet is not None and packet.pts is not None:
        return float((packet.pts - (stream.start_time or 0)) * stream.time_base)
    return frame_time(previous, stream) if previous is not None else 0.0


def unique_frames(frames: list[SampledFrame]) -> list[SampledFrame]:
    """FRAMES in time order, one per time."""
    seen: dict[float, SampledFrame] = {}
    for frame in frames:
        seen.setdefault(round(frame.time, 3), frame)
    return [seen[k] for k in sorted(seen)]
