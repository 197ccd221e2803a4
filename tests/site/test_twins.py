"""Nothing ships half-translated: every page, interview answer, card and figure has its Chinese twin.

A twin is checked against its English original by `qa.site.twins`: the same headings (with the
English anchors), build markers, number placeholders, code blocks, admonitions and API
directives; Chinese text for the interview answer, every card field and option, and every
figure's alt text and caption. The Chinese copies of the figures (drawn by the build) must have
no English words left. The checks themselves are tested on small pages, so a twin that lacks
something is caught.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from site_support import unavailable

from qa.questions import discover
from qa.quiz.bank import load_bank
from qa.site import figures, twins

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
QUESTIONS = discover()


@pytest.mark.parametrize("page", twins.pages(DOCS))
def test_page_has_a_complete_chinese_twin(page: str) -> None:
    twin = twins.zh_path(DOCS / page)
    assert twin.is_file(), f"docs/{page} has no Chinese twin {twin.name}"
    english, chinese = ((DOCS / p).read_text(encoding="utf-8") for p in (page, twin.name))
    assert twins.page_problems(english, chinese) == []


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_question_page_has_a_complete_chinese_twin(q) -> None:
    twin = twins.zh_path(DOCS / q.page)
    assert twin.is_file(), f"docs/{q.page} has no Chinese twin"
    english, chinese = ((p).read_text(encoding="utf-8") for p in (DOCS / q.page, twin))
    assert twins.page_problems(english, chinese) == []


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_question_data_has_chinese_for_every_text(q) -> None:
    module = importlib.import_module(q.module)
    assert twins.data_problems(q.data(), module.FIGURES) == []


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_chinese_cards_are_the_english_cards_in_chinese(q) -> None:
    english, chinese = load_bank(questions=[q]), load_bank(questions=[q], lang="zh")
    assert chinese.problems == ()
    assert [c.id for c in chinese.cards] == [c.id for c in english.cards]
    for en, zh in zip(english.cards, chinese.cards, strict=True):
        assert zh.prompt != en.prompt, zh.id
        assert (zh.section, zh.type) == (en.section, en.type)


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_chinese_figures_have_no_english_words_left(q) -> None:
    entry = figures.cache_entry(q, figures.cache_root(ROOT))
    if not figures.is_complete(entry):
        unavailable("figures not drawn: run `make site` first")
    manifest = json.loads((entry / "figures.json").read_text(encoding="utf-8"))
    left = {
        f["name"]: words
        for f in manifest["figures"]
        for text in f["texts_zh"]
        if (words := twins.english_words(text))
    }
    assert left == {}


# --- the checks catch what is missing ----------------------------------------------------------

ENGLISH = """# 6.8 The page

## The math

<!-- dl500:figure curve -->

It is {{ run.loss }}.

```python
print(1)
```

!!! note "Why"
    Because.
"""

TWIN = """# 6.8 页面 {#68-the-page}

## 数学 {#the-math}

<!-- dl500:figure curve -->

它是{{ run.loss }}。

```python
print(1)
```

!!! note "为什么"
    因为。
"""


def test_a_complete_twin_passes() -> None:
    assert twins.page_problems(ENGLISH, TWIN) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("## 数学 {#the-math}", "## 数学"), "has no explicit English anchor"),
        (("<!-- dl500:figure curve -->", ""), "markers differ"),
        (("{{ run.loss }}", "0.1"), "number placeholders missing"),
        (("print(1)", "print(2)"), "code block 1"),
        (('!!! note "为什么"', '!!! tip "为什么"'), "admonitions differ"),
    ],
    ids=["anchor", "marker", "number", "code", "admonition"],
)
def test_a_twin_that_lacks_something_is_caught(change: tuple[str, str], problem: str) -> None:
    twin = TWIN.replace(*change)
    assert any(problem in p for p in twins.page_problems(ENGLISH, twin))


def test_a_card_without_its_chinese_is_caught() -> None:
    data = {
        "interview_answer": "An answer.",
        "interview_answer_zh": "一个回答。",
        "cards": [
            {
                "id": "6.8-x",
                "prompt": "Why {n}?",
                "prompt_zh": "为什么？",
                "options": [{"text": "a"}],
            }
        ],
    }
    problems = twins.data_problems(data)
    assert "card 1 (6.8-x): prompt_zh has other placeholders than prompt" in problems
    assert "card 1 (6.8-x) option 1: no text_zh" in problems
