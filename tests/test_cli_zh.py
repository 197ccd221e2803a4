"""The command line and the quiz in Chinese: `dl500 ... --lang zh`, or a Chinese locale.

- every message the code passes to `tr` has its Chinese, with the same `{fields}`;
- the commands, the quiz session and the error messages speak Chinese;
- the locale chooses the language, `--lang` overrides it;
- tables padded for Chinese still line up (a CJK character takes two columns);
- what is for programs (`--json`) is the same in both languages.

The English output is checked by the existing tests (`tests/quiz`, `tests/experiments`).
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import re
import string
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.cli import reproduce
from qa.cli.argtypes import at_least
from qa.cli.main import main
from qa.cli.quiz import _retention
from qa.experiments import load
from qa.i18n import set_language
from qa.i18n_zh import ZH
from qa.quiz import answers
from qa.quiz.bank import load_bank
from qa.quiz.cardtypes import CARD_TYPES
from qa.quiz.session import variant_seed
from qa.quiz.store import DB_NAME, SETTINGS
from qa.quiz.term import display_width

REPO = Path(__file__).resolve().parents[1]
QA = REPO / "qa"
FIXTURE_BANK = REPO / "tests" / "quiz" / "fixtures" / "bank"
SEED = 7
CJK = re.compile(r"[\u4e00-\u9fff]")
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


# -- the catalogue -------------------------------------------------------------------------
def _tr_calls() -> list[tuple[str, ast.Call]]:
    """Every `tr(...)` call under `qa/`, with where it is."""
    calls = []
    for path in sorted(QA.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "tr":
                    calls.append((f"{path.relative_to(REPO)}:{node.lineno}", node))
    return calls


CALLS = _tr_calls()
LITERALS = sorted(
    {
        node.args[0].value
        for _, node in CALLS
        if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    }
)

# Messages the code keeps in constants and passes to `tr` by name (the scan above cannot
# see them): the accepted answer forms, the in-session commands, the card kinds, the
# settings, the words of the reproduction table, the nouns of `at_least`.
CONSTANTS = sorted(
    {
        answers.NUMBER_FORMS,
        answers.TRUEFALSE_FORMS,
        answers.GRADE_FORMS,
        *answers.COMMANDS.values(),
        *(kind.label for kind in CARD_TYPES.values()),
        *(setting.help for setting in SETTINGS.values()),
        *reproduce.STATUS_WORDS.values(),
        reproduce.SMOKE_WORD,
        reproduce.SMOKE_NOTE,
        "a number",
        "a seed",
    }
)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scan_finds_the_messages():
    assert len(LITERALS) > 150  # the scan works: the quiz alone has well over a hundred


@pytest.mark.parametrize("message", LITERALS + CONSTANTS)
def test_every_message_has_chinese_with_the_same_fields(message):
    assert message in ZH, f"no Chinese for {message!r} in qa/i18n_zh.py"
    assert fields(ZH[message]) == fields(message)
    assert ZH[message] != message  # translated, not copied


@pytest.mark.parametrize(("where", "node"), CALLS, ids=[where for where, _ in CALLS])
def test_no_message_is_an_f_string(where, node):
    assert not isinstance(node.args[0], ast.JoinedStr), f"{where}: tr(f'...') is no catalogue key"


# -- running dl500 -------------------------------------------------------------------------
@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Own progress directory, the fixture bank, no colour, an English locale."""
    home = tmp_path / "home"
    monkeypatch.setenv("DL500_HOME", str(home))
    monkeypatch.setenv("DL500_BANK", str(FIXTURE_BANK))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield home
    set_language("en")  # `main` sets the process's language; leave it as the others expect


@pytest.fixture
def dl500(monkeypatch, capsys) -> Callable[..., Run]:
    """Run `dl500 ARGS` in-process with `stdin` piped in; return status, stdout, stderr."""

    def run(*argv: str, stdin: str = "") -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


def lines(*typed: str) -> str:
    return "".join(f"{t}\n" for t in typed)


def right_answers(seed: int = SEED) -> list[str]:
    """One right answer per card of the fixture bank's first session (in its order)."""
    bank = load_bank(FIXTURE_BANK)
    cards = bank.by_id()

    def number(card_id: str) -> float:
        return bank.draw(cards[card_id], variant_seed(seed, card_id, 1)).answer

    return [
        "my attempt",
        "3",
        "b",
        "false",
        f"{number('6.8-fixture-count'):,.0f}",
        f"{number('6.8-fixture-tanh'):.4f}",
        "",
        "good",
        "f",
        "a",
    ]


# English that must not be left in the Chinese quiz (the fixture cards' own text is English).
ENGLISH_QUIZ_WORDS = [
    "Next review",
    "Why:",
    "Read:",
    "to review",
    "your answer",
    "how well",
    "Correct",
    "Wrong",
    "all saved",
    "free recall",
    "multiple choice",
    "'dl500 stats' shows",
]


# -- the commands speak Chinese ------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list"], "道题。'dl500 show 题号'看回答"),
        (["show", "6.8"], "页面：docs/answers/"),
        (["due"], "8张卡片到期：0张待复习，8张新卡片。运行'dl500 quiz'开始复习。\n"),
        (["stats"], "还没有学过任何卡片：先运行'dl500 quiz'吧。"),
        (["settings"], "new = 20    每轮练习引入的新卡片数"),
        (["settings", "retention"], "retention = 0.9    目标保留率："),
        (["undo"], "没有可以撤回的回答。\n"),
        (["quiz", "--new", "0"], "没有到期的卡片。仍想练习的话：dl500 quiz --exam"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_commands_print_chinese(dl500, argv, expected):
    run = dl500(*argv, "--lang", "zh")
    assert run.status == 0, run.err
    assert expected in run.out
    assert "Traceback" not in run.err


def test_stats_after_a_session_are_chinese(dl500):
    dl500("quiz", "--question", "6.9", "--lang", "zh", stdin=lines("", "1", "f", "a"))
    out = dl500("stats", "--lang", "zh").out
    for label in ("复习\n", "卡片\n", "到期\n", "最薄弱的题目排在前面", "最薄弱的卡片"):
        assert label in out
    assert "今天3次，最近7天3次，总计3次" in out
    assert not re.search(r"(?<!\S)(today|recall|stability|lapses|cards seen)\b", out)


def test_a_whole_quiz_session_is_chinese(dl500, isolated):
    run = dl500("quiz", "--seed", str(SEED), "--lang", "zh", stdin=lines(*right_answers()))
    assert run.status == 0, run.err
    out = run.out
    assert out.startswith("dl500 quiz – 8张卡片：0张待复习，8张新卡片。\n")
    assert "每个回答都会立即保存。输入:help查看命令" in out
    assert "[1/8] 6.8 · 自由回忆 · 新卡片" in out
    assert "你的回答（可不填；按Enter显示参考答案）> " in out
    assert "答案（a–c）> " in out and "对还是错（true/false）> " in out
    assert "答案（误差±0.5）> " in out and "答案（误差1%以内）> " in out
    assert out.count("✓ ") == 8
    assert "下次复习：" in out
    assert "8个回答，答对8个（100%）；已全部保存。" in out
    for english in ENGLISH_QUIZ_WORDS:
        assert english not in out
    assert (isolated / DB_NAME).exists()  # the progress is stored as in English


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["?"], "  :skip  先跳过这张卡片（不作记录）"),
        (["", "5"], "请给自己打分：1重来（忘了）"),
        (["", "3", "maybe"], "请输入true或false"),
        (["", "3", "t"], "✗ 答错了：这句话是错的。"),
        (["", "3", "f", "b"], "✗ 答错了。答案是a)"),
        (["", "3", "f", "zz"], "请选择一个选项：输入字母a–b、数字1–2，或选项的原文"),
        ([":skip"], "已跳过，没有记录。"),
        (["", "3", ":undo"], "已撤回你对6.9-fixture-recall的回答（答对）；它的复习计划已恢复。"),
        ([], "本轮没有回答。"),
        (["", "1"], "✗ 没记住，它很快会再出现。"),
    ],
    ids=lambda value: ("|".join(value) or "end-of-input") if isinstance(value, list) else None,
)
def test_quiz_feedback_and_help_are_chinese(dl500, typed, expected):
    run = dl500("quiz", "--question", "6.9", "--lang", "zh", stdin=lines(*typed))
    assert run.status == 0, run.err
    assert expected in run.out


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0,5", "不是有效的数：小数用小数点"),
        ("50%", "请输入不带'%'的数"),
        ("1/0", "不能除以零"),
        ("abc", "不是有效的数；请输入一个数，如19200"),
    ],
)
def test_numeric_answer_errors_are_chinese(dl500, typed, expected):
    # 6.8's fourth card is numeric: answer the three before it, then type `typed`.
    run = dl500("quiz", "--question", "6.8", "--lang", "zh", stdin=lines("", "3", "b", "f", typed))
    assert run.status == 0, run.err
    prompt, refusal = run.out.split("答案（误差±0.5）> ", 1)[1].splitlines()[:2]
    assert prompt == typed and expected in refusal


def test_an_exam_says_the_schedule_is_untouched(dl500):
    run = dl500("quiz", "--exam", "--limit", "2", "--lang", "zh", stdin="")
    assert "考试，共2张卡片；不会改变你的复习计划。" in run.out
    assert "考试模式：你的复习计划没有改变。" in run.out


@pytest.mark.parametrize(
    ("argv", "status", "expected"),
    [
        (
            ["quiz", "--question", "9.9"],
            2,
            "没有题号为'9.9'的题目（你是不是想输入6.9？）；已有题号：",
        ),
        (["quiz", "--tag", "rnnx"], 2, "未知标签'rnnx'"),
        (["settings", "foo"], 2, "未知设置'foo'；可用的设置：retention、new"),
        (["settings", "new", "5000"], 2, "new必须在0到1000之间，不能是5000"),
        (["settings", "new", "2.5"], 2, "new必须是整数，不能是'2.5'"),
        (["export"], 2, "请指定导出什么"),
        (["export", "--anki", "-"], 2, "Anki卡包是一个文件"),
        (["reproduce", "clipp"], 2, "未知实验'clipp'（你是不是想输入'clipping'？）"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_errors_are_chinese_one_line_and_no_traceback(dl500, argv, status, expected):
    run = dl500(*argv, "--lang", "zh")
    assert run.status == status
    assert run.err.startswith("dl500: 错误: ")
    assert expected in run.err
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["due", "stats", "quiz", "settings", "undo"])
def test_a_damaged_database_is_explained_in_chinese(dl500, isolated, command):
    isolated.mkdir(parents=True)
    (isolated / DB_NAME).write_bytes(b"not a database at all, just text" * 10)
    run = dl500(command, "--lang", "zh")
    assert run.status == 1
    assert "已损坏，或者不是dl500的数据库（不是SQLite文件）" in run.err
    assert (isolated / DB_NAME).read_bytes().startswith(b"not a database")  # left untouched


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (answers.parse_number, "0,5", "不是有效的数"),
        (answers.parse_truefalse, "maybe", "请输入true或false"),
        (lambda text: answers.parse_choice(text, 4), "z", "字母a–d、数字1–4"),
        (answers.parse_grade, "x", "请给自己打分"),
        (at_least(1), "0", "数值应≥1，实际是0"),
        (at_least(0, "a seed"), "-2", "随机种子应≥0，实际是-2"),
        (at_least(0), "x", "应为整数，实际是'x'"),
        (_retention, "2", "保留率应在0.7到0.97之间，实际是2"),
        (reproduce.parse_seeds, "a,b", "应为逗号分隔的整数"),
    ],
)
def test_typed_values_are_refused_in_chinese(parse, text, expected):
    set_language("zh")
    with pytest.raises((answers.AnswerError, argparse.ArgumentTypeError)) as exc:
        parse(text)
    assert expected in str(exc.value)


# -- the language: --lang, then the locale -------------------------------------------------
ENGLISH_DUE = "8 cards due: 0 to review, 8 new. Run 'dl500 quiz'.\n"
CHINESE_DUE = "8张卡片到期：0张待复习，8张新卡片。运行'dl500 quiz'开始复习。\n"


@pytest.mark.parametrize(
    ("environ", "flags", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, [], CHINESE_DUE),
        ({"LANG": "zh_CN.UTF-8"}, ["--lang", "en"], ENGLISH_DUE),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "C.UTF-8"}, [], CHINESE_DUE),
        ({"LANG": "C.UTF-8"}, [], ENGLISH_DUE),
        ({"LANG": "C.UTF-8"}, ["--lang", "zh"], CHINESE_DUE),
        ({"LANG": "en_GB.UTF-8", "LANGUAGE": "zh_CN:en"}, [], CHINESE_DUE),  # as gettext
        ({"LANG": "en_GB.UTF-8", "LANGUAGE": "zh_CN:en"}, ["--lang", "en"], ENGLISH_DUE),
    ],
)
def test_the_locale_chooses_and_lang_overrides(dl500, monkeypatch, environ, flags, expected):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    run = dl500("due", *flags)
    assert run.status == 0
    assert run.out == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh_CN.UTF-8", CHINESE_DUE), ("C.UTF-8", ENGLISH_DUE)]
)
def test_the_program_reads_the_locale(isolated, lang, expected):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "DL500_HOME": str(isolated),
        "DL500_BANK": str(FIXTURE_BANK),
        "NO_COLOR": "1",
        "LANG": lang,
    }
    result = subprocess.run(
        [sys.executable, "-m", "qa", "due"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


# -- alignment -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_reproduce_table_lines_up_in_display_columns(dl500, lang):
    run = dl500("reproduce", "derivative_bounds", "--quick", "--no-cache", "--lang", lang)
    assert run.status == 0, run.err
    block, summary = run.out.split("\n\n", 1)
    starts = set()
    for line in block.splitlines()[2:]:  # the labelled rows and their continuations
        text = re.match(r"^(    \S*\s+)", line)[1] if line[4] != " " else re.match(r"^\s+", line)[0]
        starts.add(display_width(text))
    assert starts == {15}
    row = next(line for line in summary.splitlines() if line.startswith("  derivative_bounds"))
    source = row.index(load("derivative_bounds").SOURCE)
    assert display_width(row[:source]) == len("  derivative_bounds  ") + 16


# -- what is for programs stays the same ---------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [["due", "--json"], ["stats", "--json"], ["settings", "--json"], ["undo", "--json"]],
    ids=lambda value: " ".join(value),
)
def test_json_is_the_same_in_both_languages(dl500, argv):
    english = json.loads(dl500(*argv, "--lang", "en").out)
    chinese = json.loads(dl500(*argv, "--lang", "zh").out)
    assert chinese == english


def test_quiz_json_keeps_english_keys_and_sends_chinese_to_stderr(dl500):
    run = dl500(
        "quiz", "--question", "6.9", "--json", "--lang", "zh", stdin=lines("", "3", "f", "a")
    )
    document = json.loads(run.out)
    assert document["ended"] == "done" and document["answered"] == 3
    assert "3个回答，答对3个（100%）；已全部保存。" in run.err
