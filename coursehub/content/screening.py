"""``courses/screening.toml``: the safety questions asked before practice, and the disclaimer's version.

The author edits it like the lessons; it is checked with file:line errors by ``flask courses import`` and
read once per process by the practice pages (a deploy brings new text, and restarts the workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coursehub.content.errors import Problems
from coursehub.content.tables import Table, read_text, read_toml
from coursehub.core.paths import COURSES_DIR

SCREENING_FILE = "screening.toml"
MAX_PROMPT_LENGTH = 400


@dataclass(frozen=True)
class ScreeningQuestion:
    id: str
    prompt: str
    urgent: bool  # a "yes" needs help at once, not only a clinician before practice


@dataclass(frozen=True)
class Screening:
    disclaimer_version: str
    questions: tuple[ScreeningQuestion, ...]

    def question(self, question_id: str) -> ScreeningQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)


def load_screening(root: Path) -> Screening:
    """Read and check ``<root>/screening.toml``.

    :raise coursehub.content.errors.ContentErrors: every problem, each at its file and line.
    """
    path = root / SCREENING_FILE
    problems = Problems(root.parent)
    text = read_text(path, problems)
    table = read_toml(path, text, problems) if text is not None else None
    screening = _screening(table) if table is not None else None
    problems.raise_if_any()
    assert screening is not None  # a file that did not parse has its problem recorded, raised above
    return screening


def _screening(table: Table) -> Screening:
    table.allow(("disclaimer_version", "questions"))
    version = table.text("disclaimer_version")
    if version is not None and len(version) > 40:
        table.error("disclaimer_version", "disclaimer_version must be at most 40 characters")
    questions: list[ScreeningQuestion] = []
    seen: dict[str, int] = {}
    for entry in table.tables("questions") or []:
        entry.allow(("id", "prompt", "urgent"))
        question_id, prompt = entry.slug("id"), entry.text("prompt")
        urgent = entry.flag("urgent", default=False)
        if question_id in seen:
            entry.error("id", f"question id {question_id!r} is already used on line {seen[question_id]}")
        elif question_id is not None:
            seen[question_id] = entry.line("id")
        if prompt is not None and len(prompt) > MAX_PROMPT_LENGTH:
            entry.error("prompt", f"a prompt has at most {MAX_PROMPT_LENGTH} characters")
        if question_id is not None and prompt is not None and urgent is not None:
            questions.append(ScreeningQuestion(question_id, prompt, urgent))
    if "questions" in table.data and not table.data["questions"]:
        table.error("questions", "the screening needs at least one question")
    return Screening(version or "", tuple(questions))


@cache
def current_screening() -> Screening:
    """The shipped screening, read once per process."""
    return load_screening(COURSES_DIR)
