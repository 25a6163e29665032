"""Drawing an attempt's questions and reading a submitted form back into answers.

Options are shown under opaque per-attempt tokens, never the author's ids: an ordering question whose
ids are step-1, step-2, ... would otherwise give its answer away in the page source.
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from coursehub.content.models import QuizQuestion

_rng = random.SystemRandom()


class AnswerError(ValueError):
    """The submitted form does not answer this attempt properly; the message says what is missing."""


def draw_questions(pool: list[QuizQuestion], count: int, rng: random.Random = _rng) -> list[dict[str, Any]]:
    chosen = rng.sample(pool, min(count, len(pool)))
    draw = []
    for question in chosen:
        if question.kind == "true_false":
            options = [["true", "true"], ["false", "false"]]
        else:
            ids = [option_id for option_id, _text in question.options]
            rng.shuffle(ids)
            options = [[secrets.token_hex(4), option_id] for option_id in ids]
        draw.append({"question_id": question.id, "options": options})
    return draw


def read_answers(draw: list[dict[str, Any]], questions: dict[int, QuizQuestion], form) -> list[Any]:
    """One response per drawn question, in author ids. :raise AnswerError: missing, unknown or extra."""
    expected = {f"q{index}" for index in range(len(draw))}
    for name in form:
        if name.startswith("q") and name.split("-", 1)[0] not in expected:
            raise AnswerError("The form answers a question that is not in this attempt.")
    unanswered = [index + 1 for index, entry in enumerate(draw) if _unanswered(index, entry, form)]
    if unanswered:
        raise AnswerError(_unanswered_message(unanswered))
    return [
        _read_one(index, entry, questions[entry["question_id"]], form) for index, entry in enumerate(draw)
    ]


def _unanswered(index: int, entry: dict[str, Any], form) -> bool:
    """Nothing chosen at all (an ordering question with every place left empty counts as unanswered)."""
    name = f"q{index}"
    if form.getlist(name):
        return False
    return not any(form.get(f"{name}-{token}", "") for token, _option_id in entry["options"])


def _unanswered_message(numbers: list[int]) -> str:
    """Every unanswered question by number, so the learner fixes them all in one go."""
    if len(numbers) == 1:
        return f"Question {numbers[0]} has no answer yet."
    listed = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
    return f"Questions {listed} have no answer yet."


def _read_one(index: int, entry: dict[str, Any], question: QuizQuestion, form) -> Any:
    name, tokens = f"q{index}", dict(entry["options"])
    if question.kind == "ordering":
        return _read_order(name, index, tokens, form)
    chosen = form.getlist(name)
    if not chosen:
        raise AnswerError(f"Question {index + 1} has no answer yet.")
    unknown = [token for token in chosen if token not in tokens]
    if unknown:
        raise AnswerError(f"Question {index + 1} was answered with an option it does not have.")
    if question.kind == "multiple":
        return sorted({tokens[token] for token in chosen})
    if len(chosen) > 1:
        raise AnswerError(f"Question {index + 1} takes one answer.")
    if question.kind == "true_false":
        return tokens[chosen[0]] == "true"
    return tokens[chosen[0]]


def _read_order(name: str, index: int, tokens: dict[str, str], form) -> list[str]:
    if any(field.removeprefix(f"{name}-") not in tokens for field in form if field.startswith(f"{name}-")):
        raise AnswerError(f"Question {index + 1} was answered with a step it does not have.")
    places: dict[int, str] = {}
    for token, option_id in tokens.items():
        raw = form.get(f"{name}-{token}", "")
        if not raw.isdigit() or not 1 <= int(raw) <= len(tokens) or int(raw) in places:
            raise AnswerError(f"Question {index + 1}: give each step its own place, 1 to {len(tokens)}.")
        places[int(raw)] = option_id
    return [places[place] for place in sorted(places)]
