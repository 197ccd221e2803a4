"""A minimal progress bar for long work, drawn on a terminal only.

Nothing is drawn until the work has taken `delay` seconds, so quick commands stay quiet, and
nothing at all when the stream is not a terminal (logs and pipes stay clean).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Call with the fraction done (0…1); call `close()` when finished.

    Examples:
        >>> import io
        >>> bar = ProgressBar("training", stream=io.StringIO())
        >>> bar(0.5); bar.close()   # not a terminal: draws nothing
    """

    def __init__(
        self, label: str, *, stream: TextIO | None = None, delay: float = 1.5, width: int = 30
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.width = width
        self._start = time.monotonic()
        self._drawn = False
        self._enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, fraction: float) -> None:
        """Redraw the bar at `fraction` done (0…1)."""
        if not self._enabled or time.monotonic() - self._start < self.delay:
            return
        fraction = min(max(float(fraction), 0.0), 1.0)
        filled = round(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self._start
        self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%} {elapsed:5.1f}s")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Finish the line, if anything was drawn."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
