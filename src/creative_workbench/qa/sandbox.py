"""Run the gate on one file in a child process with a time limit, so a hang is killed.

Each calling process (or thread) keeps one long-lived child that has the checks and decoders
loaded (OCR loads on the first file that needs it); a file that exceeds the limit gets its
child killed and a fail finding, a child that dies (a native crash) is reported as "checker
crashed (signal N)" for that file, and the next file starts a fresh child. Works from
process pools, threads and Dask workers alike (subprocess, not multiprocessing, so daemonic
workers may use it too).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

_local = threading.local()
_spares: list[IsolatedGate] = []
_children: set[IsolatedGate] = set()
_spares_lock = threading.Lock()
READY = b"ready"
STARTUP_LIMIT_S = 180.0
THREADS_ENV = "WORKBENCH_QA_THREADS"
REAP_WAIT_S = 2.0


class IsolatedGate:
    """A child process that checks files one at a time over a JSON-lines pipe."""

    def __init__(self, threads: int = 0) -> None:
        self._process: subprocess.Popen | None = None
        self._buffer = b""
        self._pipe_closed = False
        self._ready = False
        self._threads = threads

    def spawn(self) -> None:
        """Launch the child without waiting for it to load its libraries (see prestart)."""
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "creative_workbench.qa.sandbox"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "OMP_NUM_THREADS": "1", THREADS_ENV: str(self._threads)},
            )
            self._buffer = b""
            self._ready = False
            _children.add(self)

    def _start(self) -> subprocess.Popen:
        self.spawn()
        # The time limit covers checking, not loading libraries: wait for the child first.
        if not self._ready:
            if self._read_line(self._process, time.monotonic() + STARTUP_LIMIT_S) != READY:
                self.close()
                raise RuntimeError("the checker process did not start")
            self._ready = True
        return self._process

    def start(self) -> int:
        """Start the child now (it starts on the first check otherwise); returns its pid."""
        return self._start().pid

    def close(self) -> None:
        """Stop the child."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None

    def check(self, path: str, context: dict[str, Any], time_limit_s: float) -> dict[str, Any]:
        """Check PATH within TIME_LIMIT_S seconds; returns GateResult.to_dict()."""
        started = time.monotonic()
        try:
            process = self._start()
        except RuntimeError as exc:
            return _failed(path, context, str(exc), started)
        started = time.monotonic()
        try:
            process.stdin.write(json.dumps({"path": path, "context": context}).encode() + b"\n")
            process.stdin.flush()
        except BrokenPipeError:
            reason = _death(process, True) or "the checker process died"
            self.close()
            return _failed(path, context, reason, started)
        line = self._read_line(process, started + time_limit_s)
        if line is None:
            reason = _death(process, self._pipe_closed) or f"timed out after {time_limit_s:g} s"
            self.close()
            return _failed(path, context, reason, started)
        return json.loads(line)

    def _read_line(self, process: subprocess.Popen, deadline: float) -> bytes | None:
        """The child's next line; None at DEADLINE or when the pipe closes (_pipe_closed)."""
        self._pipe_closed = False
        stream = process.stdout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([stream], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(stream.fileno(), 1 << 16)
            if not chunk:
                self._pipe_closed = True
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line


def _death(process: subprocess.Popen, pipe_closed: bool) -> str | None:
    """Why the child stopped answering if it died ('checker crashed (signal 11)'), else None.

    A closed pipe means the child is exiting: it is reaped (briefly waited for) to learn how.
    """
    try:
        code = process.wait(timeout=REAP_WAIT_S) if pipe_closed else process.poll()
    except subprocess.TimeoutExpired:
        code = None
    if code is None:
        return "the checker closed its pipe" if pipe_closed else None
    if code < 0:
        return f"checker crashed (signal {-code})"
    return f"checker crashed (exit code {code})"


def _failed(path: str, context: dict[str, Any], reason: str, started: float) -> dict[str, Any]:
    return {
        "file": path,
        "placement": context.get("placement"),
        "severity": "fail",
        "findings": [
            {
                "check_id": "decode",
                "severity": "fail",
                "measured": reason,
                "expected": "a readable media file",
                "where": None,
                "message": f"cannot be checked: {reason}",
            }
        ],
        "seconds": round(time.monotonic() - started, 3),
        "info": {},
        "loudness": None,
        "thumbnails": {},
    }


def worker_plan(workers: int | None, files: int | None) -> tuple[int, int]:
    """(checker children, decoder threads per child) for a local batch of FILES (None when
    not known yet): at most one child per core; with a child per core, threads inside each
    child only add switching, so they get 1 thread (0 = every core, for a lone child)."""
    cores = max(1, os.cpu_count() or 1)
    count = max(1, min(workers or cores, cores, files or cores))
    return count, 1 if count * 2 > cores else 0


def prestart(count: int, threads: int) -> None:
    """Launch COUNT children now, so they load their libraries while the caller does other
    work (the CLI loads its own); the next check_isolated calls, in any thread, adopt them."""
    with _spares_lock:
        for _ in range(count - len(_spares)):
            gate = IsolatedGate(threads)
            gate.spawn()
            _spares.append(gate)


def _adopt(threads: int) -> IsolatedGate:
    with _spares_lock:
        for gate in _spares:
            if gate._threads == threads:
                _spares.remove(gate)
                return gate
    return IsolatedGate(threads)


@atexit.register
def close_all() -> None:
    """Stop (and reap) every child this process started, used or spare: a batch's end."""
    with _spares_lock:
        for gate in list(_children):
            gate.close()
        _children.clear()
        _spares.clear()


def check_isolated(
    path: str, context: dict[str, Any], time_limit_s: float, threads: int = 0
) -> dict[str, Any]:
    """Check one file in this process's (or thread's) child; the unit of work for executors.

    The child is started once (or adopted from prestart) and reused for every later file, so
    libraries load once per worker (the OCR engine on the first file that needs a read).
    THREADS=1 keeps each child single-threaded (see worker_plan).
    """
    gate = getattr(_local, "gate", None)
    if gate is None or gate._threads != threads:
        if gate is not None:
            gate.close()
        gate = _local.gate = _adopt(threads)
    return gate.check(str(Path(path)), context, time_limit_s)


def limit_threads(threads: int) -> None:
    """Child side: with THREADS=1, one thread each for video decoding and OpenCV."""
    if threads == 1:
        import cv2

        from creative_workbench.qa.decode import set_decoder_threads

        cv2.setNumThreads(1)
        set_decoder_threads(1)


def _serve() -> None:
    """Child side: read requests from stdin, write one JSON result line per request."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # libraries that print must not corrupt the protocol
    from creative_workbench.qa.context import GateContext
    from creative_workbench.qa.gate import check_file, warm_up

    limit_threads(int(os.environ.get(THREADS_ENV) or 0))
    warm_up()
    protocol.write(READY.decode() + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        try:
            result = check_file(request["path"], GateContext.from_dict(request["context"]))
            answer = result.to_dict()
        except Exception as exc:  # a checker bug on one odd file must not stop the batch
            reason = f"checker error {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
            answer = _failed(request["path"], request["context"], reason, started)
        protocol.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    _serve()
