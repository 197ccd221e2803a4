"""The error type every command raises for a problem the user can fix."""

from __future__ import annotations

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "CLIError"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CLIError(Exception):
    """A message for the user and the exit status to leave with (no traceback is shown).

    Examples:
        >>> err = CLIError("no such file", status=EXIT_USAGE)
        >>> str(err), err.status
        ('no such file', 2)
    """

    def __init__(self, message: str, *, status: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.status = status
