"""Answering a quiz in the browser the way a learner would, from the answer key in the database."""

from playwright.sync_api import Page
from sqlalchemy import select

from coursehub.content.models import Course, Module, Quiz, QuizQuestion
from coursehub.core.extensions import db


def answer_key(live_server, course_slug: str, module_position: int = 1) -> dict[str, object]:
    """The right answers by prompt, read from the database as the author wrote them."""
    with live_server.app_context():
        quiz = db.session.scalars(
            select(Quiz)
            .join(Module)
            .join(Course)
            .where(Course.slug == course_slug, Module.position == module_position)
        ).one()
        return {
            q.prompt: (q.kind, q.answer, dict(q.options))
            for q in db.session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id))
        }


def answer_every_question(page: Page, key, right: bool) -> None:
    for fieldset in page.locator("fieldset.question").all():
        prompt = fieldset.locator("legend").inner_text().split(". ", 1)[1]
        kind, answer, texts = key[prompt]
        if kind == "ordering":
            order = answer if right else list(reversed(answer))
            for place, option_id in enumerate(order, start=1):
                fieldset.get_by_label(texts[option_id], exact=True).select_option(str(place))
        elif kind == "true_false":
            fieldset.get_by_label("True" if answer is right else "False", exact=True).check()
        elif kind == "multiple":
            for option_id, text in texts.items():
                if (option_id in answer) == right:
                    fieldset.get_by_label(text, exact=True).check()
        else:
            chosen = answer if right else next(o for o in texts if o != answer)
            fieldset.get_by_label(texts[chosen], exact=True).check()
