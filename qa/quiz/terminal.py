"""Line-based input and output for the quiz: a terminal, or a script piping answers in."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import sys
from typing import TextIO

from qa.quiz.term import Style

__all__ = ["Terminal"]


class Terminal:
    """Line-based input and output on the current `sys` streams.

    Lines are read straight from the input file descriptor, waiting with `select` on it and
    on a signal wake-up pipe: a Ctrl-C that arrives just before the wait would otherwise be
    noticed only after the next Enter (Python checks signals when a read is interrupted, not
    when the signal came first). On a terminal the line discipline still gives the usual
    editing keys (Backspace, Ctrl-U, Ctrl-W); Ctrl-D on an empty line is end of input. A
    stream without a file descriptor (tests) is read with `readline()`.

    Args:
        json: Human text goes to stderr (stdout is kept for the JSON document).
    """

    def __init__(self, *, json: bool = False) -> None:
        self.stdin: TextIO = sys.stdin
        self.data: TextIO = sys.stdout
        self.human: TextIO = sys.stderr if json else sys.stdout
        self.interactive = _isatty(self.stdin)
        reconfigure = getattr(self.human, "reconfigure", None)
        if reconfigure is not None:
            # Characters the terminal cannot show become '?' instead of a traceback.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
        self.style = Style(self.human)
        columns = shutil.get_terminal_size((88, 24)).columns if _isatty(self.human) else 88
        self.width = max(40, min(columns, 88) - 2)
        self._fd = _fileno(self.stdin)
        self._pending = b""
        self._encoding = getattr(self.stdin, "encoding", None) or "utf-8"
        self._wake: tuple[int, int] | None = None
        self._old_wake = -1

    def __enter__(self) -> Terminal:
        if self._fd is not None:
            try:
                read_end, write_end = os.pipe()
                os.set_blocking(write_end, False)
                self._old_wake = signal.set_wakeup_fd(write_end)
                self._wake = (read_end, write_end)
            except (OSError, ValueError):  # not the main thread, or no pipes
                self._wake = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._wake is not None:
            signal.set_wakeup_fd(self._old_wake)
            for fd in self._wake:
                os.close(fd)
            self._wake = None

    def say(self, text: str = "") -> None:
        """Print a line of human text."""
        print(text, file=self.human, flush=True)

    def ask(self, prompt: str) -> str:
        """Show `prompt` and read one line (without its newline).

        Raises:
            EOFError: At end of input.
        """
        self.human.write(prompt)
        self.human.flush()
        line = self._readline()
        if line is None:
            raise EOFError
        if not self.interactive:
            self.say(line)  # echo piped answers so that transcripts read like a dialogue
        return line

    def _readline(self) -> str | None:
        if self.stdin is None:  # started with stdin closed
            return None
        if self._fd is None:
            line = self.stdin.readline()
            return line.rstrip("\r\n") if line else None
        while b"\n" not in self._pending:
            watched = [self._fd] + ([self._wake[0]] if self._wake else [])
            try:
                ready, _, _ = select.select(watched, [], [])
            except (OSError, ValueError):  # e.g. Windows, where select takes only sockets
                self._fd = None
                return self._readline()
            if self._wake and self._wake[0] in ready:
                os.read(self._wake[0], 512)  # the signal's handler runs right after this
            if self._fd in ready:
                chunk = os.read(self._fd, 4096)
                if not chunk:  # end of input (Ctrl-D on an empty line, or the pipe closed)
                    if not self._pending:
                        return None
                    chunk = b"\n"
                self._pending += chunk
        raw, _, self._pending = self._pending.partition(b"\n")
        return raw.decode(self._encoding, errors="replace").rstrip("\r")


def _fileno(stream: object) -> int | None:
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None
    return fd if isinstance(fd, int) and fd >= 0 else None


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False
