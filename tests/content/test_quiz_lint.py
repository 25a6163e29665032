"""The quiz linter warns about quizzes whose option lengths give the answer away; the import goes on."""

import shutil

from coursehub.content.files import load_catalog
from coursehub.content.quiz_lint import quiz_warnings
from coursehub.core.paths import COURSES_DIR

INTRO = "introduction-to-active-isolated-stretching"
QUIZ = "01-what-ais-is/quiz.toml"


def intro_copy(tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(COURSES_DIR / INTRO, root / INTRO)
    return root


def test_the_shipped_quizzes_raise_no_warning():
    assert quiz_warnings(load_catalog(COURSES_DIR)) == []


def test_an_option_far_longer_than_the_others_is_named_with_its_quiz_and_question(tmp_path):
    root = intro_copy(tmp_path)
    quiz = root / INTRO / QUIZ
    text = quiz.read_text()
    start = text.index("[[questions]]")
    first_option = text.index('text = "', start) + len('text = "')
    quiz.write_text(text[:first_option] + "An option padded out " * 8 + text[first_option:])
    warnings = quiz_warnings(load_catalog(root))
    assert len(warnings) == 1
    assert warnings[0].startswith(f"courses/{INTRO}/{QUIZ}: question ")
    assert "characters" in warnings[0]


def test_a_quiz_whose_right_answer_is_always_the_longest_is_flagged(tmp_path):
    from dataclasses import replace

    [course] = [c for c in load_catalog(COURSES_DIR) if c.slug == INTRO]
    module = course.modules[0]
    questions = []
    for question in module.quiz.questions:
        if question.type == "single":
            options = tuple(
                (oid, text + (" and a careful qualifier" if oid == question.answer else ""))
                for oid, text in question.options
            )
            question = replace(question, options=options)
        questions.append(question)
    skewed = replace(
        course, modules=(replace(module, quiz=replace(module.quiz, questions=tuple(questions))),)
    )
    assert any("longest option in every single-choice question" in w for w in quiz_warnings([skewed]))


def test_the_import_prints_the_warnings_and_still_imports(app, runner, tmp_path):
    root = intro_copy(tmp_path)
    quiz = root / INTRO / QUIZ
    text = quiz.read_text()
    first_option = text.index('text = "', text.index("[[questions]]")) + len('text = "')
    quiz.write_text(text[:first_option] + "An option padded out " * 8 + text[first_option:])
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 0, result.output
    assert "Warning: courses/" in result.output and "added: 1 courses" in result.output


def test_an_explanation_that_names_an_option_by_letter_is_flagged(tmp_path):
    root = intro_copy(tmp_path)
    quiz = root / INTRO / QUIZ
    text = quiz.read_text()
    explanation = text.index('explanation = "') + len('explanation = "')
    quiz.write_text(text[:explanation] + "Option B is right because " + text[explanation:])
    [warning] = quiz_warnings(load_catalog(root))
    assert "names an option by letter ('Option B')" in warning and "shuffled" in warning
