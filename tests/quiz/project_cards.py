"""The project's own cards, for the tests that check every real card (the quiz tests otherwise
read the fixture bank through `DL500_BANK`)."""

from __future__ import annotations

import os

from qa.quiz.bank import Bank, load_bank


def project_bank(lang: str = "en") -> Bank:
    """The bank of `qa/answers`, whatever `DL500_BANK` says, with its text in `lang`."""
    saved = os.environ.pop("DL500_BANK", None)
    try:
        return load_bank(lang=lang)
    finally:
        if saved is not None:
            os.environ["DL500_BANK"] = saved
