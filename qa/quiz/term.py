r"""Terminal output for the quiz: Markdown and LaTeX reduced to readable plain text, and styles.

Colour is used only on a terminal, never when `NO_COLOR` is set (to anything non-empty) or
`TERM=dumb`, and it is never the only signal: right and wrong always carry a mark and a word
(`✓ Correct`, `✗ Wrong`), in ASCII (`[ok]`, `[x]`) when the output encoding has no `✓`.

Examples:
    >>> latex_to_text(r"h_t = \tanh(W h_{t-1} + U x_t)")
    'h_t = tanh(W h_(t-1) + U x_t)'
    >>> latex_to_text(r"\hat y_{t,i} = e^{o_{t,i}} / \sum_j e^{o_{t,j}}")
    'ŷ_(t,i) = e^(o_(t,i)) / Σ_j e^(o_(t,j))'
    >>> latex_to_text(r"\frac{\partial L}{\partial W} \odot \sigma'(z)")
    "(∂L)/(∂W) ⊙ σ'(z)"
    >>> print(markdown_to_text("An **RNN** reuses $W$ at *every* step.\n\n- one\n- two", 40))
    An RNN reuses W at every step.
    <BLANKLINE>
    - one
    - two
"""

from __future__ import annotations

import os
import re
import textwrap
import unicodedata
from collections.abc import Mapping
from typing import ClassVar, TextIO

from qa.i18n import tr

__all__ = ["STRUCTURAL", "Style", "known_commands", "latex_to_text", "markdown_to_text"]

_SYMBOLS = {
    r"\alpha": "α",
    r"\beta": "β",
    r"\gamma": "γ",
    r"\delta": "δ",
    r"\epsilon": "ε",
    r"\varepsilon": "ε",
    r"\eta": "η",
    r"\theta": "θ",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\rho": "ρ",
    r"\sigma": "σ",
    r"\tau": "τ",
    r"\phi": "φ",
    r"\varphi": "φ",
    r"\psi": "ψ",
    r"\omega": "ω",
    r"\Delta": "Δ",
    r"\Sigma": "Σ",
    r"\Phi": "Φ",
    r"\Omega": "Ω",
    r"\partial": "∂",
    r"\nabla": "∇",
    r"\odot": "⊙",
    r"\otimes": "⊗",
    r"\cdot": "·",
    r"\times": "×",
    r"\leq": "≤",
    r"\le": "≤",
    r"\geq": "≥",
    r"\ge": "≥",
    r"\neq": "≠",
    r"\approx": "≈",
    r"\to": "→",
    r"\rightarrow": "→",
    r"\infty": "∞",
    r"\sum": "Σ",
    r"\prod": "Π",
    r"\in": "∈",
    r"\top": "ᵀ",
    r"\ll": "≪",
    r"\gg": "≫",
    r"\pm": "±",
    r"\propto": "∝",
    r"\ln": "ln",
    r"\sup": "sup",
    r"\lVert": "‖",
    r"\rVert": "‖",
    r"\|": "‖",
    r"\ldots": "…",
    r"\dots": "…",
    r"\cdots": "⋯",
    r"\quad": "  ",
    r"\qquad": "    ",
    r"\tanh": "tanh",
    r"\exp": "exp",
    r"\log": "log",
    r"\max": "max",
    r"\min": "min",
    r"\operatorname": "",
    r"\mathrm": "",
    r"\mathbf": "",
    r"\boldsymbol": "",
    r"\text": "",
    r"\left": "",
    r"\right": "",
    r"\big": "",
    r"\Big": "",
    r"\,": " ",
    r"\;": " ",
    r"\!": "",
}
_DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "E": "𝔼", "P": "ℙ"}
#: Commands taken apart by `latex_to_text` itself, beside the table `_SYMBOLS`.
STRUCTURAL = frozenset(
    {r"\frac", r"\dfrac", r"\tfrac", r"\sqrt", r"\hat", r"\widehat", r"\bar", r"\tilde",
     r"\widetilde", r"\vec", r"\mathbb", r"\overleftarrow"}
)  # fmt: skip
_MACRO = re.compile(r"\\[A-Za-z]+|\\[,;!|]")
_ARG = r"\{((?:[^{}]|\{[^{}]*\})*)\}"


def known_commands() -> frozenset[str]:
    """Every LaTeX command `latex_to_text` renders (the tests check the data uses no other)."""
    return frozenset(_SYMBOLS) | STRUCTURAL


def latex_to_text(tex: str) -> str:
    """LaTeX math as plain Unicode text (common macros only; the site shows the real thing)."""
    text = tex
    for _ in range(3):  # nested fractions
        text = re.sub(rf"\\[dt]?frac\s*{_ARG}\s*{_ARG}", r"(\1)/(\2)", text)
    text = re.sub(rf"\\sqrt\s*{_ARG}", r"√(\1)", text)
    text = re.sub(rf"\\mathbb\s*{_ARG}", lambda m: _DOUBLE_STRUCK.get(m[1], m[1]), text)
    text = re.sub(rf"\\overleftarrow\s*{_ARG}", r"←\1", text)  # a backward state: ←h_t
    for accent, mark in (
        ("hat", "\u0302"),
        ("bar", "\u0304"),
        ("tilde", "\u0303"),
        ("vec", "\u20d7"),
    ):
        text = re.sub(
            rf"\\(?:wide)?{accent}\s*(?:\{{(\w)\}}|(\w))",
            lambda m, c=mark: (m[1] or m[2]) + c,
            text,
        )
    text = _MACRO.sub(lambda m: _SYMBOLS.get(m[0], m[0].lstrip("\\")), text)
    text = re.sub(r"\^\{?\s*ᵀ\s*\}?", "ᵀ", text)
    previous = None
    while previous != text:  # innermost first: e^{o_{t,i}} -> e^(o_(t,i))
        previous = text
        text = re.sub(
            r"([_^])\{([^{}]*)\}", lambda m: m[1] + (m[2] if len(m[2]) == 1 else f"({m[2]})"), text
        )
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"([∂∇]) +", r"\1", text)
    return unicodedata.normalize("NFC", re.sub(r"[ \t]+", " ", text).strip())


def _inline(text: str) -> str:
    # Math is converted first and set aside, so that Markdown's emphasis rules below cannot
    # take a subscript's underscore for italics (`‖x‖_2 … a_t`).
    maths: list[str] = []

    def keep(match: re.Match[str]) -> str:
        maths.append(latex_to_text(match[1]))
        return f"\x00{len(maths) - 1}\x00"

    text = re.sub(r"\$\$(.+?)\$\$", keep, text, flags=re.S)
    text = re.sub(r"(?<!\\)\$(.+?)(?<!\\)\$", keep, text, flags=re.S)
    text = _markdown_marks(text)
    return re.sub(r"\x00(\d+)\x00", lambda m: maths[int(m[1])], text)


def _markdown_marks(text: str) -> str:
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text, flags=re.S)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text, flags=re.S)
    text = re.sub(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)", r"\1", text, flags=re.S)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    return text.replace(r"\$", "$")


# A line may break before a CJK character and after one, but not before closing punctuation
# or after opening punctuation (the common rules of Chinese line breaking, simplified).
_NO_START = set("，。、；：？！）」』》〉”’%,.;:?!)]}")
_NO_END = set("（「『《〈“‘([{")


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two.

    Examples:
        >>> display_width("RNN的梯度"), display_width("abc")
        (9, 3)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """Wrap text to `width` columns, as `textwrap.fill`, also between Chinese characters.

    Examples:
        >>> print(fill("梯度消失（vanishing gradient）是指梯度逐步变小。", 20))
        梯度消失（vanishing
        gradient）是指梯度逐
        步变小。
    """
    if not any(_is_cjk(c) for c in text):
        return textwrap.fill(
            text, width=width, initial_indent=initial_indent, subsequent_indent=subsequent_indent
        )
    units: list[str] = []  # pieces that never split: a Latin word, one CJK character, a space
    for piece in re.findall(r"\s+|[^\s]", " ".join(text.split())):
        previous = units[-1] if units else ""
        glue = previous and not previous.isspace() and not piece.isspace()
        glue = glue and (
            piece in _NO_START
            or previous[-1] in _NO_END
            or not (_is_cjk(piece) or _is_cjk(previous[-1]))
        )
        if glue:
            units[-1] += piece
        else:
            units.append(piece)
    lines: list[str] = []
    line, used = initial_indent, display_width(initial_indent)
    for unit in units:
        size = display_width(unit)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = subsequent_indent, display_width(subsequent_indent)
            if unit.isspace():
                continue
        line += unit
        used += size
    lines.append(line.rstrip())
    return "\n".join(lines)


def markdown_to_text(markdown: str, width: int = 88, indent: str = "") -> str:
    """Markdown reduced to wrapped plain text: code blocks verbatim, list items kept apart."""
    lines = textwrap.dedent(markdown).strip("\n").splitlines()
    blocks: list[str] = []
    paragraph: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if not paragraph:
            return
        text = _inline(" ".join(line.strip() for line in paragraph))
        item = re.match(r"^([-*+]|\d+[.)])\s+", text)
        hang = " " * (len(item[0]) if item else 0)
        blocks.append(fill(text, max(width, 20), indent, indent + hang))
        paragraph.clear()

    for line in lines:
        if code is not None:
            if re.match(r"^\s*(```|~~~)", line):
                blocks.append("\n".join(code))
                code = None
            else:
                code.append(indent + "    " + line)
            continue
        if re.match(r"^\s*(```|~~~)", line):
            flush()
            code = []
        elif not line.strip():
            flush()
            if blocks and blocks[-1] != "":
                blocks.append("")
        elif re.match(r"^\s*([-*+]|\d+[.)])\s+", line):
            flush()
            paragraph.append(line)
        elif re.match(r"^\s*\$\$\s*$", line):
            continue
        else:
            paragraph.append(line)
    flush()
    if code:
        blocks.append("\n".join(code))
    while blocks and blocks[-1] == "":
        blocks.pop()
    return "\n".join(blocks)


class Style:
    """How to mark text on one output stream.

    Args:
        stream: The stream written to (colour only if it is a terminal).
        env: Environment variables (default: `os.environ`).
    """

    _CODES: ClassVar[dict[str, str]] = {
        "ok": "32",
        "bad": "31",
        "dim": "2",
        "bold": "1",
        "accent": "36",
    }

    def __init__(self, stream: TextIO, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        isatty = getattr(stream, "isatty", None)
        terminal = bool(isatty and isatty() and env.get("TERM") != "dumb")
        self.color = terminal and not env.get("NO_COLOR")
        # Terminals that do not know OSC 8 hyperlinks show the text and ignore the rest.
        self.hyperlinks = terminal
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "✓✗–·→".encode(encoding)
            self.unicode = True
        except (UnicodeEncodeError, LookupError):
            self.unicode = False
        self.ok_mark = "✓" if self.unicode else "[ok]"
        self.bad_mark = "✗" if self.unicode else "[x]"
        self.dash = "–" if self.unicode else "-"
        self.dot = "·" if self.unicode else "|"

    def link(self, url: str) -> str:
        """The URL, clickable in a terminal that supports hyperlinks (OSC 8), else as it is."""
        if not self.hyperlinks:
            return url
        return f"\033]8;;{url}\033\\{url}\033]8;;\033\\"

    def paint(self, kind: str, text: str) -> str:
        """`text` in the colour or weight named `kind` (unchanged without colour)."""
        if not self.color:
            return text
        return f"\033[{self._CODES[kind]}m{text}\033[0m"

    def right(self, text: str | None = None) -> str:
        """A right answer: mark, word (default "Correct") and (if allowed) green."""
        return self.paint("ok", f"{self.ok_mark} {tr('Correct') if text is None else text}")

    def wrong(self, text: str | None = None) -> str:
        """A wrong answer: mark, word (default "Wrong") and (if allowed) red."""
        return self.paint("bad", f"{self.bad_mark} {tr('Wrong') if text is None else text}")
