"""Tests of the CLI progress bar with a fake terminal and a fake clock."""

from __future__ import annotations

import io

import pytest

from jcm.cli.progress import Progress, progress_iter


class FakeTty(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class FakeClock:
    """A clock that the test advances by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_draws_on_a_terminal_and_cleans_its_line() -> None:
    """Draws the bar on a terminal and leaves a blank line behind."""
    tty, clock = FakeTty(), FakeClock()
    with Progress(4, label="apply", stream=tty, clock=clock) as progress:
        clock.now = 1.0
        progress.advance(2)
    text = tty.getvalue()
    assert "\rapply [" + "#" * 15 + "." * 15 + "]  50% 2/4" in text
    last = text.rsplit("\r", 2)
    assert last[-1] == ""
    assert last[-2].strip() == ""


def test_is_silent_when_not_a_terminal() -> None:
    """Writes nothing to a stream that is not a terminal."""
    stream = io.StringIO()
    with Progress(10, stream=stream) as progress:
        progress.advance(10)
    assert stream.getvalue() == ""
    assert not progress.active


def test_is_silent_when_disabled() -> None:
    """Writes nothing to a terminal when disabled (``--json``)."""
    tty = FakeTty()
    for _ in progress_iter(range(5), enabled=False, stream=tty):
        pass
    assert tty.getvalue() == ""


def test_redraws_are_throttled() -> None:
    """Redraws at most once per interval however often it advances."""
    tty, clock = FakeTty(), FakeClock()
    with Progress(10_000, stream=tty, clock=clock, interval=0.1) as progress:
        for i in range(10_000):
            clock.now = i * 0.0001  # one second in all
            progress.advance()
    assert 10 <= progress.redraws <= 12


def test_iterates_items_unchanged_and_counts_them() -> None:
    """Yields every item in order and reaches the total."""
    tty, clock = FakeTty(), FakeClock()
    seen = []
    for item in progress_iter(["a", "b", "c"], label="x", stream=tty, clock=clock):
        clock.now += 1.0
        seen.append(item)
    assert seen == ["a", "b", "c"]
    assert "x [" + "#" * 30 + "] 100% 3/3" in tty.getvalue()
    assert tty.getvalue().endswith("\r")


def test_unknown_total_draws_the_count() -> None:
    """Draws only the count when the total is unknown."""
    progress = Progress(None, label="rows", stream=FakeTty())
    progress.advance(7)
    assert progress.render() == "rows 7"


def test_cleans_the_line_when_the_work_raises() -> None:
    """Cleans its line when the loop raises, and the error goes on."""
    tty = FakeTty()
    with pytest.raises(RuntimeError), Progress(3, stream=tty):
        raise RuntimeError("boom")
    assert tty.getvalue().endswith("\r")
    assert not tty.getvalue().endswith("%\r")


def test_a_shorter_line_overwrites_a_longer_one() -> None:
    """Pads a redraw so no characters of a longer previous line remain."""
    tty, clock = FakeTty(), FakeClock()
    progress = Progress(None, stream=tty, clock=clock)
    progress.advance(1000)
    progress.done = 0
    clock.now = 1.0
    progress.advance(5)
    assert tty.getvalue().endswith("\r5   ")
    progress.close()
    progress.close()
    assert tty.getvalue().endswith("\r    \r")


def test_a_single_long_step_shows_its_label() -> None:
    """Draws the label alone for an unknown total before anything is counted, then cleans it."""
    tty = FakeTty()
    with Progress(None, label="calculate awd-rice", stream=tty):
        pass
    assert tty.getvalue() == "\rcalculate awd-rice..." + "\r" + " " * 21 + "\r"
