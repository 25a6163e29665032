"""Warnings (not errors) about quizzes a learner could pass without reading the lessons.

Two tells give the answer away: options of very different lengths (the careful, qualified answer is
usually the long one), and a quiz whose right answer is the longest option every time. The import
still goes ahead; the author sees the warnings and decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from coursehub.content.files import CourseFile
from coursehub.content.quiz_files import QuestionFile

LENGTH_RATIO = 3.0  # the longest option more than three times the shortest stands out
CHOICE_TYPES = ("single", "multiple")
# Options are shuffled for every attempt, so "option B" or "(c)" in an explanation names the wrong one.
OPTION_BY_LETTER = re.compile(
    r"\b(?i:options?|answers?|choices?)\s+(?:[A-F]|\([a-fA-F]\))(?![\w-])|\([a-f]\)"
)


def quiz_warnings(courses: Iterable[CourseFile]) -> list[str]:
    """One line per problem, naming the quiz file and the question."""
    warnings = []
    for course in courses:
        for module in course.modules:
            if module.quiz is None:
                continue
            where = f"courses/{course.slug}/{module.position:02d}-{module.slug}/quiz.toml"
            questions = module.quiz.questions
            warnings += [
                f"{where}: question {q.id!r}: {problem}"
                for q in questions
                if (problem := _length_problem(q) or _letter_problem(q))
            ]
            if _right_answer_always_longest(questions):
                warnings.append(
                    f"{where}: the right answer is the longest option in every single-choice "
                    "question; vary the lengths so length gives nothing away"
                )
    return warnings


def _length_problem(question: QuestionFile) -> str | None:
    if question.type not in CHOICE_TYPES or not question.options:
        return None
    lengths = [len(text) for _id, text in question.options]
    if max(lengths) > LENGTH_RATIO * min(lengths):
        return (
            f"its options run from {min(lengths)} to {max(lengths)} characters; "
            "options of similar length don't give the answer away"
        )
    return None


def _letter_problem(question: QuestionFile) -> str | None:
    match = OPTION_BY_LETTER.search(question.explanation)
    if question.type == "true_false" or match is None:
        return None
    return (
        f"its explanation names an option by letter ({match.group(0)!r}), but options are shuffled "
        "for each attempt; name the option by what it says"
    )


def _right_answer_always_longest(questions: Iterable[QuestionFile]) -> bool:
    singles = [q for q in questions if q.type == "single" and q.options]
    if len(singles) < 2:
        return False
    return all(_is_strictly_longest(q) for q in singles)


def _is_strictly_longest(question: QuestionFile) -> bool:
    lengths = {option_id: len(text) for option_id, text in question.options}
    right = lengths[question.answer]
    return all(right > length for option_id, length in lengths.items() if option_id != question.answer)
