"""A small progress bar for long CLI work (``jcm calculate`` on a large input, ``registry apply``).

The bar is drawn on a stream (stderr by default) only when that stream is a terminal and the
command was not asked for machine output (``--json``); otherwise every call is a no-op, so the
command's output is byte for byte the same with and without it. Redraws are throttled (at most
one per ``interval`` seconds, 0.1 s by default) and the bar's line is cleaned
when the work ends, so nothing of it is left on the screen::

    with Progress(len(requests), label="apply", enabled=not args.json) as progress:
        for chunk in chunks:
            ...
            progress.advance(len(chunk))

or, wrapping an iterable::

    for request in progress_iter(requests, label="apply", enabled=not args.json):
        ...

A drawn line looks like ``apply [##########..........]  50% 500/1000`` (``label`` and the
counts); with ``total=None`` it is the count alone, or ``label...`` before any is counted, which
is how a single long step (one large calculation) shows that it is running::

    with Progress(None, label="calculate awd-rice", enabled=not args.json):
        result = methodology.calculate(data)

The clock and the stream can be given, which is how the tests check it with a fake terminal.

Why not ``tqdm`` or ``rich``: both are well kept and draw a finer bar, but the two call sites need
only a count, a throttle and silence off a terminal or under ``--json``, which these hundred
lines give without adding a run-time dependency to a library whose dependencies are kept few;
and the tests can drive this bar's clock and stream exactly.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Final, TextIO, TypeVar

__all__ = ["Progress", "progress_iter"]

T = TypeVar("T")

_WIDTH: Final = 30
"""Number of cells of the bar itself."""


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Progress:
    """A throttled one-line progress bar; a no-op unless ``stream`` is a terminal.

    Parameters
    ----------
    total
        The amount of work (items, requests, rows), or ``None`` when unknown.
    label
        Text before the bar.
    enabled
        ``False`` turns the bar off whatever the stream (pass ``not args.json``).
    stream
        Where to draw; ``sys.stderr`` (looked up at construction) by default.
    interval
        Least time between two redraws [s] (the first draw is immediate).
    clock
        A monotonic clock [s]; ``time.monotonic`` by default.
    """

    def __init__(
        self,
        total: int | None,
        *,
        label: str = "",
        enabled: bool = True,
        stream: TextIO | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream: TextIO = sys.stderr if stream is None else stream
        self.total = total if total is None else max(int(total), 0)
        self.label = label
        self.interval = interval
        self.done = 0
        self.redraws = 0
        """Number of lines drawn so far (for tests and curiosity)."""
        self.active = enabled and _is_terminal(self.stream)
        """True when the bar is drawn at all."""
        self._clock = clock
        self._last: float | None = None
        self._width = 0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def advance(self, step: int = 1) -> None:
        """Count ``step`` more units of work done; redraw unless the last redraw is too recent."""
        self.done += step
        self._draw(force=False)

    def render(self) -> str:
        """The text of the bar for the current count (without carriage return)."""
        prefix = f"{self.label} " if self.label else ""
        if not self.total:
            return f"{prefix}{self.done}" if self.done else f"{self.label}..."
        fraction = min(self.done / self.total, 1.0)
        filled = int(fraction * _WIDTH)
        bar = "#" * filled + "." * (_WIDTH - filled)
        return f"{prefix}[{bar}] {int(fraction * 100):3d}% {self.done}/{self.total}"

    def _draw(self, *, force: bool) -> None:
        if not self.active:
            return
        now = self._clock()
        if not force and self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        text = self.render()
        pad = " " * max(self._width - len(text), 0)
        self._width = len(text) + len(pad)  # what the line covers on the screen
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self.redraws += 1

    def close(self) -> None:
        """Blank the bar's line and return to its start; later calls do nothing."""
        if not self.active:
            return
        self.stream.write("\r" + " " * self._width + "\r")
        self.stream.flush()
        self.active = False


def progress_iter(
    items: Iterable[T],
    *,
    total: int | None = None,
    label: str = "",
    enabled: bool = True,
    stream: TextIO | None = None,
    interval: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[T]:
    """Yield ``items`` unchanged while a :class:`Progress` counts them.

    ``total`` defaults to ``len(items)`` when the iterable has a length. The bar's line is cleaned
    when the iteration ends, is broken off, or raises.
    """
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    with Progress(
        total, label=label, enabled=enabled, stream=stream, interval=interval, clock=clock
    ) as progress:
        for item in items:
            yield item
            progress.advance()
