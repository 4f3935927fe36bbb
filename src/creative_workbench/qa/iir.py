"""IIR filters in plain NumPy: cascades of second-order sections run block-wise, no SciPy.

A recursive filter is sample-serial, but over a block of L samples it is linear in the block's
input and its starting state: output = Toeplitz(impulse response) @ input + C A^j @ state. So
the whole signal is filtered with two matrix products per block row (BLAS) and the block
start states come from a parallel prefix scan (log2 of the block count NumPy steps). The
result equals scipy.signal.sosfilt from a zero state to float64 rounding; importing
scipy.signal costs seconds, this module nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

BLOCK = 64  # samples per block row: the cheapest split on this machine (matmul vs scan)


@dataclass(frozen=True)
class StateSpace:
    """x -> y of a linear filter: s' = A s + B x, y = C s + D x (state s, d values)."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: float

    @classmethod
    def of_sos(cls, sos: np.ndarray) -> StateSpace:
        """The cascade of second-order sections SOS (rows b0 b1 b2 a0 a1 a2, as SciPy's)."""
        sos = np.asarray(sos, dtype=np.float64)
        a = np.zeros((0, 0))
        b, c, d = np.zeros(0), np.zeros(0), 1.0
        for b0, b1, b2, a0, a1, a2 in sos:
            b0, b1, b2, a1, a2 = b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0
            # Transposed direct form II of one section.
            sa = np.array([[-a1, 1.0], [-a2, 0.0]])
            sb = np.array([b1 - a1 * b0, b2 - a2 * b0])
            sc = np.array([1.0, 0.0])
            # Feed the cascade so far (y = c s + d x) into this section.
            n = a.shape[0]
            grown = np.zeros((n + 2, n + 2))
            grown[:n, :n] = a
            grown[n:, :n] = np.outer(sb, c)
            grown[n:, n:] = sa
            a, b = grown, np.concatenate([b, sb * d])
            c, d = np.concatenate([b0 * c, sc]), b0 * d
        return cls(a, b, c, float(d))


@dataclass(frozen=True)
class _BlockPlan:
    """The matrices that run a StateSpace over rows of BLOCK samples."""

    toeplitz: np.ndarray  # (L, L): zero-state output of a block
    to_state: np.ndarray  # (L, d): a block's input -> the state after it (from zero)
    from_state: np.ndarray  # (d, L): a block's start state -> its output
    step: np.ndarray  # (d, d): A^L, the state carried across one block
    system: StateSpace

    @classmethod
    def of(cls, system: StateSpace, length: int) -> _BlockPlan:
        order = system.a.shape[0]
        powers = np.empty((length + 1, order, order))  # A^0 .. A^L
        powers[0] = np.eye(order)
        for j in range(1, length + 1):
            powers[j] = system.a @ powers[j - 1]
        impulse = np.empty(length)  # h[0] = D, h[m] = C A^(m-1) B
        impulse[0] = system.d
        impulse[1:] = np.einsum("d,jde,e->j", system.c, powers[: length - 1], system.b)
        lag = np.arange(length)[None, :] - np.arange(length)[:, None]
        toeplitz = np.where(lag >= 0, impulse[np.clip(lag, 0, None)], 0.0)
        to_state = powers[length - 1 :: -1][:length] @ system.b  # row i: A^(L-1-i) B
        from_state = np.einsum("d,jde->ej", system.c, powers[:length])  # column j: C A^j
        return cls(toeplitz, to_state, from_state, powers[length], system)


def butter_bandpass(order: int, low_hz: float, high_hz: float, rate: int) -> np.ndarray:
    """Butterworth band pass of ORDER (2 x ORDER poles) as second-order sections, designed
    as scipy.signal.butter(order, (low_hz, high_hz), "bandpass", fs=rate, output="sos") is:
    analogue prototype, low-pass to band-pass transform, bilinear transform (pre-warped)."""
    warped = 4.0 * np.tan(np.pi * np.array([low_hz, high_hz]) / rate)  # at fs = 2
    width, centre = warped[1] - warped[0], np.sqrt(warped[0] * warped[1])
    prototype = -np.exp(1j * np.pi * np.arange(-order + 1, order, 2) / (2 * order))
    low = prototype * width / 2
    root = np.sqrt(low * low - centre * centre)
    analogue = np.concatenate([low + root, low - root])
    poles = (4.0 + analogue) / (4.0 - analogue)  # zeros: ORDER at z = 1 and ORDER at z = -1
    gain = width**order * np.real(4.0**order / np.prod(4.0 - analogue))
    real_pole = np.abs(poles.imag) <= 1e-12 * np.abs(poles)
    upper = sorted(poles[~real_pole & (poles.imag > 0)], key=lambda p: abs(p))
    real = sorted(poles[real_pole].real)
    pairs = [(p, np.conj(p)) for p in upper]
    pairs += [(real[i], real[i + 1]) for i in range(0, len(real) - 1, 2)]
    sos = np.array([[1.0, 0.0, -1.0, *np.real(np.poly(pair))] for pair in pairs])
    sos[0, :3] *= gain
    return sos


@lru_cache(maxsize=16)
def _plan(sos_key: bytes, sections: int, length: int) -> _BlockPlan:
    sos = np.frombuffer(sos_key, dtype=np.float64).reshape(sections, 6)
    return _BlockPlan.of(StateSpace.of_sos(sos), length)


def sosfilt(
    sos: np.ndarray, x: np.ndarray, zi: np.ndarray | None = None, block: int = BLOCK
) -> tuple[np.ndarray, np.ndarray]:
    """Filter X (n,) or (n, channels) along its first axis with the sections SOS.

    ZI is the state to start from, (channels, 2 * sections), zero when None; returns the
    output (float64, X's shape) and the state after the last sample, to pass as ZI when
    the signal continues in another chunk. Output equals scipy.signal.sosfilt(sos, x,
    axis=0) to float64 rounding.
    """
    sos = np.ascontiguousarray(sos, dtype=np.float64)
    plan = _plan(sos.tobytes(), sos.shape[0], block)
    data = np.asarray(x, dtype=np.float64)
    flat = data.reshape(data.shape[0], int(np.prod(data.shape[1:])))
    count, channels = flat.shape
    order = plan.step.shape[0]
    start = np.zeros((channels, order)) if zi is None else np.asarray(zi, dtype=np.float64)
    rows = max(1, -(-count // block))
    padded = np.zeros((channels, rows * block))
    padded[:, :count] = flat.T
    blocks = padded.reshape(channels, rows, block)
    out = blocks @ plan.toeplitz
    ends = blocks @ plan.to_state  # (channels, rows, d): each block's own end state
    states = _start_states(ends, plan.step, start)
    out += states @ plan.from_state
    # The state after the last real sample: run the last block's tail (< BLOCK samples).
    final, tail = states[:, -1], count - (rows - 1) * block
    if tail == block:
        final = final @ plan.step.T + ends[:, -1]
    else:
        for i in range(tail):
            final = final @ plan.system.a.T + np.outer(blocks[:, -1, i], plan.system.b)
    y = out.reshape(channels, rows * block)[:, :count].T.reshape(data.shape)
    return y, final


def _start_states(ends: np.ndarray, step: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Start state of every block: S[k] = step^k FIRST + sum over j < k of
    step^(k-1-j) ends[j].

    A Hillis-Steele scan: after the pass with shift s, each row holds the sum over the 2s
    blocks before it, so log2(rows) NumPy steps replace a loop over the rows.
    """
    states = np.empty_like(ends)
    states[:, 0] = first
    states[:, 1:] = ends[:, :-1]
    power = step
    shift = 1
    while shift < states.shape[1]:
        states[:, shift:] = states[:, shift:] + states[:, :-shift] @ power.T
        power = power @ power
        shift *= 2
    return states
