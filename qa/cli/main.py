"""Entry point of `dl500` (and `python -m qa`).

Each command lives in a module with a `register(subparsers)` function; this module wires them
together and turns every anticipated failure into a one-line message and an exit status:
0 success, 1 runtime error, 2 usage error, 130 interrupted. Nothing here imports NumPy, so
light commands (`list`, `show`, `due`) start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from qa import __version__
from qa.cli import questions, quiz, reproduce
from qa.cli.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, CLIError
from qa.i18n import LANGUAGES, language_from_env, set_language, tr
from qa.questions import RegistryError

__all__ = ["build_parser", "main"]

# Modules contributing commands, in the order `--help` lists them. Each imports only the
# standard library at its top, so that light commands (`list`, `due`) start fast.
COMMAND_MODULES = (questions, quiz, reproduce)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors say how to get help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(try '{self.prog} --help')\n")

    def _print_message(self, message: str, file=None) -> None:  # type: ignore[override]
        # Arguments that are not valid text (undecodable bytes arrive as lone surrogates)
        # must still be echoed back, escaped, rather than crash the error message.
        stream = file or sys.stderr
        encoding = getattr(stream, "encoding", None) or "utf-8"
        super()._print_message(
            message.encode(encoding, "backslashreplace").decode(encoding), stream
        )


def build_parser() -> argparse.ArgumentParser:
    """The full `dl500` parser, with every available command."""
    parser = _Parser(
        prog="dl500",
        description=(
            "Learn, verify and rehearse the RNN interview questions 6.4–6.10 of "
            "DeepLearning-500-questions: read an answer, run its demonstration, study its cards."
        ),
        epilog="Run 'dl500 COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"dl500-rnn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    for command in sub.choices.values():  # every command speaks either language
        command.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=None,
            help="language of the output, en or zh (default: the locale's, e.g. LANG=zh_CN.UTF-8)",
        )
    return parser


def _early_language(argv: Sequence[str]) -> str | None:
    """The value of `--lang` among the arguments, if it is a known language.

    Examples:
        >>> _early_language(["show", "6.8", "--lang", "zh"]), _early_language(["--lang=en"])
        ('zh', 'en')
    """
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGUAGES:
            return value
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run `dl500` with `argv` (default: `sys.argv[1:]`) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language is known before the arguments are parsed, so that argparse's checks of
    # option values (argtypes) already speak it.
    set_language(_early_language(argv) or language_from_env())
    parser = build_parser()
    args = parser.parse_args(argv)
    args.lang = args.lang or language_from_env()
    set_language(args.lang)
    try:
        return int(args.func(args) or 0)
    except CLIError as exc:
        print(f"dl500: {tr('error')}: {exc}", file=sys.stderr)
        return exc.status
    except RegistryError as exc:  # a question's data file is broken: say which
        print(f"dl500: {tr('error')}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"\ndl500: {tr('interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`dl500 list | head`): silence the final flush, as the
        # Python docs recommend for SIGPIPE, and report a failure.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
