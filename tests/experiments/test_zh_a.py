"""The Chinese of experiments 5 and 7–10 (clipping, adding, CNN against RNN, copy memory,
normalisation) and of the verdict's reason (`base.grade`): every text the report shows exists in
Chinese, says the same numbers as the English, and grades the same way; the figures draw in
Chinese with no English word left.

The verdicts are compared on quick records as they come, with a core criterion broken by hand
(`TAMPER` of `test_verdicts`), and, for clipping, healed so that every criterion holds: the met,
the missed and the noted wordings are all read."""

import copy
import re
from collections import Counter

import pytest

from qa.experiments import load
from qa.experiments.base import Check, grade, say_in
from qa.site.twins import english_words
from qa.viz import figure_texts, to_svg, translate_figure
from tests.experiments.test_verdicts import TAMPER, _heal_clipping

NAMES = ("clipping", "adding", "cnn_vs_rnn", "copy_memory", "normalization")
CONSTANTS = ("TITLE", "CLAIM", "PUBLISHED", "PUBLISHED_SHORT")

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")
PLACEHOLDER = re.compile(r"\{\{\s*(?:run|exp)\.[\w.]+\s*\}\}")


def _numbers(text):
    return set(NUMBER.findall(text))


def _record(name, case, quick):
    record = copy.deepcopy(quick(name).record)
    if case == "tampered":
        TAMPER[name](record)
    elif case == "healed":
        _heal_clipping(record)
    return record


CASES = [(n, "quick") for n in NAMES] + [(n, "tampered") for n in NAMES] + [("clipping", "healed")]


# --------------------------------------------------------------------------- the grade


def test_grade_gives_its_reason_in_chinese_and_the_same_status():
    checks = [Check("界成立", True, "最大比值0.98", core=True), Check("发生爆炸", False, "无")]
    english, chinese = grade(checks, note="n"), grade(checks, note="注", lang="zh")
    assert chinese.status == english.status == "partly"
    assert chinese.reason == "未满足：发生爆炸（无）。注"
    assert grade(checks[:1], lang="zh").reason == "所有判据都满足"
    two = [Check("甲", False, "1"), Check("乙", False, "2")]
    assert grade(two, lang="zh").reason == "未满足：甲（1）；乙（2）"


def test_say_in_picks_the_language_and_refuses_others():
    assert say_in("en")("a", "甲") == "a" and say_in("zh")("a", "甲") == "甲"
    with pytest.raises(ValueError, match="lang"):
        say_in("fr")


# --------------------------------------------------------------------------- the constants


@pytest.mark.parametrize("name", NAMES)
def test_the_constants_exist_in_chinese_with_the_same_numbers(name):
    module = load(name)
    for field in CONSTANTS:
        english, chinese = getattr(module, field), getattr(module, f"{field}_ZH")
        assert CJK.search(chinese), field
        assert _numbers(chinese) == _numbers(english), field
        assert " ，" not in chinese and "， " not in chinese, field
    assert len(module.PUBLISHED_SHORT_ZH) <= 90  # a table cell, as in test_report


# --------------------------------------------------------------------------- the verdicts


@pytest.mark.parametrize(("name", "case"), CASES)
def test_the_chinese_verdict_grades_as_the_english(name, case, quick):
    module, record = load(name), _record(name, case, quick)
    english, chinese = module.verdict(record), module.verdict(record, "zh")
    assert module.verdict(record, "en") == english
    assert chinese.status == english.status
    assert len(chinese.checks) == len(english.checks)
    for en, zh in zip(english.checks, chinese.checks, strict=True):
        assert (zh.passed, zh.core) == (en.passed, en.core), en.name
        assert CJK.search(zh.name), en.name
        assert CJK.search(zh.detail) or not english_words(zh.detail), en.name  # "r = 0.9…1"
        assert _numbers(zh.name) == _numbers(en.name), en.name
        assert _numbers(zh.detail) == _numbers(en.detail), en.name
    assert CJK.search(chinese.reason)
    assert _numbers(chinese.reason) == _numbers(english.reason)
    if english.status != "reproduced":
        assert chinese.reason.startswith("未满足："), chinese.reason


@pytest.mark.parametrize(("name", "case"), CASES)
def test_summary_and_headline_say_the_same_numbers_in_chinese(name, case, quick):
    module, record = load(name), _record(name, case, quick)
    for say in (module.summary, module.headline):
        english, chinese = say(record), say(record, "zh")
        assert say(record, "en") == english, say.__name__
        assert CJK.search(chinese), say.__name__
        assert _numbers(chinese) == _numbers(english), say.__name__
    assert len(module.headline(record, "zh")) <= 160  # a table cell, as in test_report


# --------------------------------------------------------------------------- the figures


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_chinese_alt_and_caption_with_the_same_placeholders(name):
    for spec in load(name).FIGURES:
        for field in ("alt", "caption"):
            english, chinese = getattr(spec, field), getattr(spec, f"{field}_zh")
            assert CJK.search(chinese), (spec.name, field)
            assert Counter(PLACEHOLDER.findall(chinese)) == Counter(PLACEHOLDER.findall(english))
            plain = (PLACEHOLDER.sub("", english), PLACEHOLDER.sub("", chinese))
            assert _numbers(plain[1]) == _numbers(plain[0]), (spec.name, field)
        assert not spec.caption_zh.endswith("。"), spec.name  # a caption has no full stop


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_figures_have_no_english_word_left(name, quick):
    module, record = load(name), quick(name).record
    assert all(CJK.search(v) or not english_words(v) for v in module.FIGURE_WORDS_ZH.values())
    for spec in module.FIGURES:
        fig = spec.build(record)
        translate_figure(fig, module.FIGURE_WORDS_ZH)
        to_svg(fig, cjk=True)  # draws the ticks too; fails on a glyph no font has
        left = {t: w for t in figure_texts(fig) if (w := english_words(t))}
        assert left == {}, spec.name
