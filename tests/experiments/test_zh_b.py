"""The Chinese of experiments 1–4 and 6 (derivative bounds, Jacobian bound, latch, cliff,
vanishing at initialisation): every text the report shows exists in Chinese, says the same
numbers as the English, and grades the same way; their figures draw in Chinese with no English
word left.

The verdicts are compared on quick records, untouched and with one core criterion broken by
hand (`TAMPER` of `test_verdicts`), so that both the met and the missed wording are read."""

import copy
import re

import matplotlib.pyplot as plt
import pytest

from qa.experiments import load
from qa.experiments.training import MODEL_LABELS, MODEL_LABELS_ZH
from qa.site.twins import english_words
from qa.viz import figure_texts, to_svg, translate_figure
from tests.experiments.test_verdicts import TAMPER

NAMES = ("derivative_bounds", "jacobian_bound", "latch", "cliff", "vanishing_at_init")

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
PLACEHOLDER = re.compile(r"\{\{\s*(?:run|exp)\.[\w.]+\s*\}\}")
ENGLISH_WORD = re.compile(r"\b(?:the|and|of|at|in|over|with|for|not|runs?|seeds?)\b")


def _numbers(text):
    return sorted(set(NUMBER.findall(text)))


def _graded_alike(english, chinese):
    assert chinese.status == english.status
    assert len(chinese.checks) == len(english.checks)
    for en, zh in zip(english.checks, chinese.checks, strict=True):
        assert (zh.passed, zh.core) == (en.passed, en.core), en.name
        # every number of the English detail (the Chinese may name which is which: "偏置1为…")
        assert set(_numbers(en.detail)) <= set(_numbers(zh.detail)), en.name
        assert CJK.search(zh.name) or zh.name == en.name, en.name
    assert CJK.search(chinese.reason), chinese.reason
    assert not ENGLISH_WORD.search(chinese.reason), chinese.reason


@pytest.mark.parametrize("name", NAMES)
def test_the_constants_exist_in_chinese(name):
    module = load(name)
    for field in ("TITLE", "CLAIM", "PUBLISHED", "PUBLISHED_SHORT"):
        text = getattr(module, f"{field}_ZH")
        assert CJK.search(text), field
        assert " ，" not in text and "， " not in text, field
    # A table cell of the report, as short as the English one must be (test_report).
    assert len(module.PUBLISHED_SHORT_ZH) <= 90


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_verdict_grades_a_quick_record_as_the_english(name, quick):
    module, record = load(name), quick(name).record
    _graded_alike(module.verdict(record), module.verdict(record, "zh"))


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_verdict_names_the_missed_criteria_as_the_english(name, quick):
    module = load(name)
    record = copy.deepcopy(quick(name).record)
    TAMPER[name](record)
    english, chinese = module.verdict(record), module.verdict(record, "zh")
    assert english.status == "not"
    _graded_alike(english, chinese)
    assert chinese.reason.startswith("未满足：")


@pytest.mark.parametrize("name", NAMES)
def test_summary_and_headline_say_the_same_numbers_in_chinese(name, quick):
    module, record = load(name), quick(name).record
    for say in (module.summary, module.headline):
        english, chinese = say(record), say(record, "zh")
        assert CJK.search(chinese), say.__name__
        assert _numbers(chinese) == _numbers(english), say.__name__
    assert len(module.headline(record, "zh")) <= 160  # a table cell, as in test_report


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_chinese_alt_and_caption_with_the_same_placeholders(name):
    for spec in load(name).FIGURES:
        for field in ("alt", "caption"):
            english, chinese = getattr(spec, field), getattr(spec, f"{field}_zh")
            assert CJK.search(chinese), (spec.name, field)
            assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(english))


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_figures_have_no_english_word_left(name, quick):
    module, record = load(name), quick(name).record
    for spec in module.FIGURES:
        fig = spec.build(record)
        try:
            translate_figure(fig, module.FIGURE_WORDS_ZH)
            to_svg(fig, cjk=True)  # draws the ticks too; fails on a glyph no font has
            left = {t: w for t in figure_texts(fig) if (w := english_words(t))}
        finally:
            plt.close(fig)
        assert left == {}, spec.name


def test_every_model_label_has_its_chinese():
    assert MODEL_LABELS_ZH.keys() == MODEL_LABELS.keys()
    for key, label in MODEL_LABELS_ZH.items():
        assert english_words(label) == [], key
        assert _numbers(label) == _numbers(MODEL_LABELS[key]), key
