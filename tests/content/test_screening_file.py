"""courses/screening.toml: the shipped questions load, and a mistake is reported at its file and line."""

from pathlib import Path

import pytest

from coursehub.content.errors import ContentErrors
from coursehub.content.screening import load_screening

SHIPPED = Path(__file__).resolve().parents[2] / "courses"
GOOD = """\
disclaimer_version = "v1"

[[questions]]
id = "saddle-numbness"
prompt = "Any numbness in the saddle area?"
urgent = true

[[questions]]
id = "fever"
prompt = "A fever with your back pain?"
"""


def write(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "courses"
    root.mkdir()
    (root / "screening.toml").write_text(text)
    return root


def test_the_shipped_screening_asks_about_every_red_flag_of_the_issue():
    screening = load_screening(SHIPPED)
    assert screening.disclaimer_version
    assert {q.id for q in screening.questions} == {
        "recent-surgery-or-injury",
        "fall-or-accident",
        "saddle-numbness",
        "bladder-bowel",
        "leg-weakness",
        "fever",
        "weight-loss-or-cancer",
        "night-pain",
        "pregnancy",
        "advised-against-exercise",
    }
    assert {q.id for q in screening.questions if q.urgent} == {
        "saddle-numbness",
        "bladder-bowel",
        "leg-weakness",
    }


def test_a_good_file_loads_with_urgent_defaulting_to_false(tmp_path):
    screening = load_screening(write(tmp_path, GOOD))
    assert [(q.id, q.urgent) for q in screening.questions] == [("saddle-numbness", True), ("fever", False)]


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ('id = "fever"', 'id = "saddle-numbness"', 9, "already used on line 4"),
        ("urgent = true", 'urgent = "yes"', 6, "urgent must be true or false"),
        ('disclaimer_version = "v1"', 'disclaimer_version = ""', 1, "must not be empty"),
        ('prompt = "A fever', 'promt = "A fever', 10, "unknown key 'promt'"),
        ('id = "fever"', 'id = "Fever!"', 9, "is not a slug"),
    ],
)
def test_a_mistake_is_reported_at_its_file_and_line(tmp_path, old, new, line, fragment):
    with pytest.raises(ContentErrors) as caught:
        load_screening(write(tmp_path, GOOD.replace(old, new)))
    first = caught.value.errors[0]
    assert (first.path.as_posix(), first.line) == ("courses/screening.toml", line)
    assert fragment in first.message
