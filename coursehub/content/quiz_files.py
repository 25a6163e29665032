"""Quiz files: ``<course>/NN-<module>/quiz.toml``, a pool of questions about the module's lessons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursehub.content.errors import Problems
from coursehub.content.tables import Table, read_text, read_toml
from coursehub.content.toml_format import toml_assignments, toml_table_array

QUESTION_TYPES = ("single", "multiple", "true_false", "ordering", "side")
SIDE_OPTION_IDS = ("left", "right", "both", "neither")
QUIZ_KEYS = (
    "title",
    "pass_mark",
    "max_attempts",
    "wait_minutes",
    "draw",
    "partial_credit",
    "reveal",
    "questions",
)
# When a result shows each question's right option (explanations and right/wrong are always shown):
# always; once the learner has passed (the default, so a retake still tests recall); or once no
# attempt is left.
REVEAL_CHOICES = ("always", "after_pass", "after_last_attempt")
DEFAULT_REVEAL = "after_pass"
QUESTION_KEYS = ("id", "type", "prompt", "options", "answer", "explanation", "lesson", "at")
OPTION_KEYS = ("id", "text")

Answer = str | tuple[str, ...] | bool


@dataclass(frozen=True)
class QuestionFile:
    """One question of a quiz's pool.

    ``answer`` is an option id (single, side), a tuple of option ids (multiple: the right ones;
    ordering: all of them, in order) or a bool (true_false, which has no options).
    """

    id: str
    type: str
    prompt: str
    options: tuple[tuple[str, str], ...]  # (option id, text), in the order the author wrote them
    answer: Answer
    explanation: str
    lesson: str  # slug of the lesson (same course) that teaches it
    at: int | None  # second of that lesson's video where it is taught


@dataclass(frozen=True)
class QuizFile:
    """A module's quiz: each attempt draws ``draw`` questions from the pool."""

    title: str
    pass_mark: int  # percent; exactly the mark passes
    max_attempts: int  # 0: no limit
    wait_minutes: int
    draw: int
    questions: tuple[QuestionFile, ...]
    partial_credit: bool = False  # multiple-choice questions score the share of right choices
    reveal: str = DEFAULT_REVEAL  # one of REVEAL_CHOICES


def read_quiz(path: Path, problems: Problems, lessons: Mapping[str, int] | None) -> QuizFile | None:
    """Read and check a quiz file.

    :param lessons: duration in seconds of every lesson of the course, by slug, to check ``lesson`` and
        ``at``; None skips that check (when some lesson did not load, it would only add false alarms).
    :return: the quiz, or None when it has problems (all of them reported).
    """
    text = read_text(path, problems)
    table = read_toml(path, text, problems) if text is not None else None
    if table is None:
        return None
    table.allow(QUIZ_KEYS)
    values = {
        "title": table.text("title"),
        "pass_mark": table.integer("pass_mark", minimum=1, maximum=100),
        "max_attempts": table.integer("max_attempts"),
        "wait_minutes": table.integer("wait_minutes"),
        "partial_credit": table.flag("partial_credit", default=False),
        "reveal": table.choice("reveal", REVEAL_CHOICES) if "reveal" in table.data else DEFAULT_REVEAL,
    }
    pool = table.tables("questions")
    questions = [_question(question, lessons) for question in pool or ()]
    _check_pool(table, pool)
    draw = table.integer("draw", minimum=1)
    if draw is not None and pool and draw > len(pool):
        table.error("draw", f"draw = {draw}, but the pool has only {len(pool)} questions")
    if table.failed:
        return None
    return QuizFile(draw=draw, questions=tuple(questions), **values)


def _check_pool(table: Table, pool: list[Table] | None) -> None:
    """A pool has questions, and question ids are unique within the quiz."""
    if pool == []:
        table.error("questions", "a quiz needs at least one [[questions]] table")
    first_lines: dict[str, int] = {}
    for question in pool or ():
        question_id = question.data.get("id")
        if not isinstance(question_id, str):
            continue
        if question_id in first_lines:
            first_line = first_lines[question_id]
            question.error("id", f"question id {question_id!r} is already used on line {first_line}")
        else:
            first_lines[question_id] = question.line("id")


def _question(question: Table, lessons: Mapping[str, int] | None) -> QuestionFile | None:
    """The question, or None once the file has problems (reported; no quiz is built from it then)."""
    question.allow(QUESTION_KEYS)
    kind = question.choice("type", QUESTION_TYPES)
    values = {
        "id": question.slug("id"),
        "type": kind,
        "prompt": question.text("prompt"),
        "explanation": question.text("explanation"),
        "lesson": question.slug("lesson"),
        "at": question.integer("at", default=None),
    }
    options = _options(question, kind)
    answer = _answer(question, kind, options)
    _check_lesson(question, values["lesson"], values["at"], lessons)
    if question.failed:
        return None
    return QuestionFile(options=options, answer=answer, **values)


def _options(question: Table, kind: str | None) -> tuple[tuple[str, str], ...] | None:
    """The (id, text) options; None when they have problems, so the answer is not judged against them."""
    if kind == "true_false":
        if "options" in question.data:
            question.error("options", "a true_false question has no options (its answer is true or false)")
        return ()
    tables = question.tables("options") if kind is not None else None
    if tables is None:
        return None
    options: list[tuple[str, str] | None] = []
    for table in tables:
        option = _option(table, kind)
        if option and option[0] in {known[0] for known in options if known}:
            table.error("id", f"option id {option[0]!r} is used twice in this question")
            option = None
        options.append(option)
    if len(tables) < 2:
        question.error("options", "a question needs at least two options")
    if kind == "side" and not {"left", "right"} <= {option[0] for option in options if option}:
        question.error("options", "a side question offers at least the options 'left' and 'right'")
    valid = [option for option in options if option]
    return tuple(valid) if len(valid) == len(options) else None


def _option(option: Table, kind: str) -> tuple[str, str] | None:
    option.allow(OPTION_KEYS)
    option_id, text = option.slug("id"), option.text("text")
    if kind == "side" and option_id is not None and option_id not in SIDE_OPTION_IDS:
        allowed = ", ".join(SIDE_OPTION_IDS)
        option.error("id", f"a side question's option ids are {allowed}, not {option_id!r}")
        return None
    return (option_id, text) if option_id is not None and text is not None else None


def _answer(question: Table, kind: str | None, options: tuple[tuple[str, str], ...] | None) -> Answer | None:
    """Check the answer against the question's type and options; None when it cannot be judged."""
    if kind == "true_false":
        return question.flag("answer")
    if kind is None or options is None:
        return None
    ids = [option_id for option_id, _ in options]
    if kind in ("single", "side"):
        answer = question.text("answer")
        if answer is not None and answer not in ids:
            question.error("answer", f"answer {answer!r} is not one of the option ids ({', '.join(ids)})")
        return answer
    answer = question.value("answer", list, "an array of option ids")
    if answer is None:
        return None
    if not all(isinstance(item, str) for item in answer):
        question.error("answer", "answer must be an array of option ids (strings)")
        return None
    message = _ordering_problem(answer, ids) if kind == "ordering" else _multiple_problem(answer, ids)
    if message:
        question.error("answer", message)
    return tuple(answer)


def _multiple_problem(answer: list[str], ids: list[str]) -> str | None:
    unknown = [item for item in answer if item not in ids]
    if not answer:
        return "a multiple question needs at least one right option in its answer"
    if unknown:
        return f"answer lists {', '.join(map(repr, unknown))}, which are not option ids ({', '.join(ids)})"
    if len(set(answer)) != len(answer):
        return "answer lists an option more than once"
    return None


def _ordering_problem(answer: list[str], ids: list[str]) -> str | None:
    """An ordering answer is every option id exactly once, in the right order."""
    missing = [item for item in ids if item not in answer]
    unknown = [item for item in answer if item not in ids]
    repeated = sorted({item for item in answer if answer.count(item) > 1})
    parts = [
        f"missing {', '.join(map(repr, missing))}" if missing else "",
        f"not option ids: {', '.join(map(repr, unknown))}" if unknown else "",
        f"repeated: {', '.join(map(repr, repeated))}" if repeated else "",
    ]
    found = "; ".join(part for part in parts if part)
    return f"an ordering answer lists every option id exactly once ({found})" if found else None


def _check_lesson(
    question: Table, lesson: str | None, at: int | None, lessons: Mapping[str, int] | None
) -> None:
    """``lesson`` names a lesson of the same course, and ``at`` falls within its video."""
    if lessons is None or lesson is None:
        return
    if lesson not in lessons:
        question.error("lesson", f"lesson {lesson!r} is not a lesson of this course")
    elif at is not None and at > lessons[lesson]:
        seconds = lessons[lesson]
        question.error("at", f"at = {at} is past the end of lesson {lesson!r} ({seconds} seconds long)")


def quiz_text(quiz: QuizFile) -> str:
    """The quiz file, in the layout of the shipped content (see courses/README.md)."""
    head = toml_assignments(
        [
            ("title", quiz.title),
            ("pass_mark", quiz.pass_mark),
            ("max_attempts", quiz.max_attempts),
            ("wait_minutes", quiz.wait_minutes),
            ("draw", quiz.draw),
            ("partial_credit", True if quiz.partial_credit else None),
            ("reveal", quiz.reveal if quiz.reveal != DEFAULT_REVEAL else None),
        ]
    )
    questions = toml_table_array("questions", (_question_pairs(question) for question in quiz.questions))
    return "\n".join([*head, "", *questions, ""])


def _question_pairs(question: QuestionFile) -> list[tuple[str, Any]]:
    options = [{"id": option_id, "text": text} for option_id, text in question.options]
    return [
        ("id", question.id),
        ("type", question.type),
        ("prompt", question.prompt),
        ("options", options or None),
        ("answer", list(question.answer) if isinstance(question.answer, tuple) else question.answer),
        ("explanation", question.explanation),
        ("lesson", question.lesson),
        ("at", question.at),
    ]
