"""What the engine process of `serve` counts, sent up a pipe to `serve`, whose /metrics shows it.

In the engine process, `ForwardedMetrics` stands in for EngineMetrics (`metrics.attempts.labels(...).inc()`,
`.observe(...)`) and a thread of its own sends each count, so that a slow reader never holds the engine up; in
`serve`'s process, `receive` adds each count to the app's EngineMetrics."""

from __future__ import annotations

import queue
import threading
from multiprocessing.connection import Connection

from ..metrics import EngineMetrics


class ForwardedMetrics:
    """EngineMetrics as the engine counts into it, each count sent to `serve`'s process."""

    def __init__(self, counts: Connection):
        self._queue: queue.SimpleQueue[tuple[str, tuple[str, ...], str, float] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._send, args=(counts,), name="nself-oncall-counts", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str) -> _Metric:
        return _Metric(name, self._queue)

    def close(self) -> None:
        """Send what is counted, then close the pipe."""
        self._queue.put(None)
        self._thread.join(5)

    def _send(self, counts: Connection) -> None:
        with counts:
            while (count := self._queue.get()) is not None:
                try:
                    counts.send(count)
                except OSError:  # serve is gone
                    return


class _Metric:
    def __init__(self, name: str, counts: queue.SimpleQueue, labels: tuple[str, ...] = ()):
        self._name, self._counts, self._labels = name, counts, labels

    def labels(self, *labels: str) -> _Metric:
        return _Metric(self._name, self._counts, labels)

    def inc(self, amount: float = 1.0) -> None:
        self._counts.put((self._name, self._labels, "inc", amount))

    def observe(self, value: float) -> None:
        self._counts.put((self._name, self._labels, "observe", value))


def receive(counts: Connection, metrics: EngineMetrics) -> None:
    """In `serve`'s process, on a thread of its own: add what its engine process counts to the app's metrics,
    until the engine process closes its end."""
    with counts:
        while True:
            try:
                name, labels, method, value = counts.recv()
            except (EOFError, OSError):
                return
            getattr(getattr(metrics, name).labels(*labels), method)(value)
