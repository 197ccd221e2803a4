"""`dl500 stats`: what the review log says about a learner's progress.

- **Reviews**: study answers today, in the last 7 days and in all (exam answers apart).
- **True retention**: Anki's definition — of the scheduled reviews of cards already in the
  review state, counting only the first per card per day, the share not answered "again".
  It should come out near the desired retention; much lower means the intervals are too long.
- **Forecast**: cards due now and on each of the next 7 days.
- **Weakest questions and cards**: ranked by the current FSRS probability of recall
  (`qa.quiz.schedule.retrievability`), with the page to re-read.

Answers taken back with `undo` are ignored everywhere.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from qa import questions as registry
from qa.i18n import tr
from qa.quiz import schedule
from qa.quiz.bank import Bank
from qa.quiz.store import Store
from qa.quiz.term import Style

__all__ = ["compute", "render"]

FORECAST_DAYS = 7
RETENTION_WINDOW_DAYS = 30
WEAKEST_CARDS = 5


def _local_day(ts: float) -> str:
    return datetime.fromtimestamp(ts).astimezone().date().isoformat()


def compute(bank: Bank, store: Store, now: datetime, desired_retention: float) -> dict[str, Any]:
    """Everything `dl500 stats` reports, as plain data (what `--json` prints)."""
    now_ts = now.timestamp()
    today = _local_day(now_ts)
    reviews = [r for r in store.reviews() if not r["undone"]]
    study = [r for r in reviews if r["mode"] == "study"]
    exam = [r for r in reviews if r["mode"] == "exam"]
    week_ago = now_ts - 7 * 86400
    window_start = now_ts - RETENTION_WINDOW_DAYS * 86400

    # True retention: first review per card per day of cards that were in the review state.
    firsts: dict[tuple[str, str], dict[str, Any]] = {}
    for r in study:
        if r["at"] < window_start or not r["card_before"]:
            continue
        if json.loads(r["card_before"]).get("state") != 2:
            continue
        firsts.setdefault((r["card_id"], _local_day(r["at"])), r)
    passed = sum(r["rating"] > 1 for r in firsts.values())
    true_retention = passed / len(firsts) if firsts else None
    recent = [r for r in study if r["at"] >= window_start]

    states = store.cards()
    cards_by_id = bank.by_id()
    seen = {cid: row for cid, row in states.items() if cid in cards_by_id}
    sched = schedule.scheduler(desired_retention)
    recall = {cid: schedule.retrievability(sched, row.fsrs, now) for cid, row in seen.items()}
    stability = {cid: json.loads(row.fsrs).get("stability") or 0.0 for cid, row in seen.items()}

    forecast = []
    start_of_today = (
        datetime.fromtimestamp(now_ts)
        .astimezone()
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    due_now = sum(1 for row in seen.values() if row.due <= now_ts)
    for offset in range(FORECAST_DAYS):
        day_start = (start_of_today + timedelta(days=offset)).timestamp()
        day_end = (start_of_today + timedelta(days=offset + 1)).timestamp()
        count = sum(1 for row in seen.values() if max(day_start, now_ts) < row.due <= day_end)
        forecast.append({"date": _local_day(day_start), "due": count})

    lapses: dict[str, int] = defaultdict(int)
    for r in study:
        if r["rating"] == 1:
            lapses[r["card_id"]] += 1

    questions = []
    for question in registry.QUESTIONS:
        cards = [c for c in bank.cards if c.question.id == question.id]
        seen_here = [c.id for c in cards if c.id in seen]
        if not seen_here:
            continue
        questions.append(
            {
                "id": question.id,
                "title": question.title,
                "recall": sum(recall[c] for c in seen_here) / len(seen_here),
                "stability_days": sum(stability[c] for c in seen_here) / len(seen_here),
                "seen": len(seen_here),
                "cards": len(cards),
                "lapses": sum(lapses[c] for c in seen_here),
                "page": f"docs/{question.page}",
            }
        )
    questions.sort(key=lambda q: (q["recall"], q["stability_days"], -q["lapses"]))
    weakest_cards = sorted(seen, key=lambda cid: (recall[cid], stability[cid]))[:WEAKEST_CARDS]

    return {
        "reviews": {
            "today": sum(1 for r in study if _local_day(r["at"]) == today),
            "last_7_days": sum(1 for r in study if r["at"] >= week_ago),
            "total": len(study),
            "exam_answers": len(exam),
            "exam_correct": sum(r["correct"] for r in exam),
        },
        "accuracy_30_days": (sum(r["correct"] for r in recent) / len(recent)) if recent else None,
        "true_retention_30_days": true_retention,
        "true_retention_reviews": len(firsts),
        "desired_retention": desired_retention,
        "cards": {
            "total": len(bank.cards),
            "new": len(bank.cards) - len(seen),
            "learning": sum(1 for row in seen.values() if row.state in (1, 3)),
            "review": sum(1 for row in seen.values() if row.state == 2),
        },
        "due_now": due_now,
        "forecast": forecast,
        "weakest_questions": questions,
        "weakest_cards": [
            {
                "id": cid,
                "recall": recall[cid],
                "stability_days": stability[cid],
                "lapses": lapses[cid],
                "link": cards_by_id[cid].link,
            }
            for cid in weakest_cards
        ],
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def render(stats: dict[str, Any], style: Style) -> str:
    """The stats as text for the terminal (in the language of the messages)."""
    r, c = stats["reviews"], stats["cards"]
    lines = [style.paint("bold", tr("Reviews"))]
    line = tr(
        "today {today}, last 7 days {week}, in all {total}",
        today=r["today"],
        week=r["last_7_days"],
        total=r["total"],
    )
    if r["exam_answers"]:
        line += tr(
            "; exam answers {n} ({right} right)", n=r["exam_answers"], right=r["exam_correct"]
        )
    lines.append("  " + line)
    accuracy = _percent(stats["accuracy_30_days"])
    lines.append("  " + tr("right in the last 30 days: {percent}", percent=accuracy))
    if stats["true_retention_30_days"] is None:
        lines.append(
            "  " + tr("true retention: not yet measurable (no card has come back for review)")
        )
    else:
        lines.append(
            "  "
            + tr(
                "true retention (30 days, {n} reviews): {percent}; desired {desired}",
                n=stats["true_retention_reviews"],
                percent=_percent(stats["true_retention_30_days"]),
                desired=_percent(stats["desired_retention"]),
            )
        )
    lines.append(style.paint("bold", tr("Cards")))
    lines.append(
        "  "
        + tr(
            "{total} in all: {new} new, {learning} learning, {review} in review",
            total=c["total"],
            new=c["new"],
            learning=c["learning"],
            review=c["review"],
        )
    )
    lines.append(style.paint("bold", tr("Due")))
    days = tr(", ").join(
        tr("{date} {n}", date=d["date"][5:], n=d["due"]) for d in stats["forecast"]
    )
    lines.append("  " + tr("now {n}; next days: {days}", n=stats["due_now"], days=days))
    if stats["weakest_questions"]:
        lines.append(
            style.paint("bold", tr("Weakest questions first"))
            + style.paint(
                "dim",
                tr(
                    " (recall: FSRS probability of recalling now; stability: days until it "
                    "drops to 90%)"
                ),
            )
        )
        for q in stats["weakest_questions"]:
            lines.append(
                "  "
                + tr(
                    "{id} recall {recall}, stability {stability} d, {seen}/{cards} cards seen, "
                    "lapses {lapses}  {page}",
                    id=f"{q['id']:<5}",
                    recall=f"{_percent(q['recall']):>4}",
                    stability=f"{q['stability_days']:5.1f}",
                    seen=q["seen"],
                    cards=q["cards"],
                    lapses=q["lapses"],
                    page=q["page"],
                )
            )
        lines.append(style.paint("bold", tr("Weakest cards")))
        for card in stats["weakest_cards"]:
            lines.append(
                "  "
                + tr(
                    "recall {recall}, stability {stability} d  {id}  {link}",
                    recall=f"{_percent(card['recall']):>4}",
                    stability=f"{card['stability_days']:5.1f}",
                    id=card["id"],
                    link=card["link"],
                )
            )
    else:
        lines.append(tr("No card studied yet: start with 'dl500 quiz'."))
    return "\n".join(lines)
