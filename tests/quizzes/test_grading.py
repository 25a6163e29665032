from fractions import Fraction

import pytest

from coursehub.quizzes.grading import grade, passes, percent


@pytest.mark.parametrize(
    ("kind", "answer", "response", "score"),
    [
        ("single", "a", "a", 1),
        ("single", "a", "b", 0),
        ("side", "left", "left", 1),
        ("side", "left", "right", 0),
        ("true_false", True, True, 1),
        ("true_false", True, False, 0),
        ("true_false", False, False, 1),
        ("ordering", ["s1", "s2", "s3"], ["s1", "s2", "s3"], 1),
        ("ordering", ["s1", "s2", "s3"], ["s2", "s1", "s3"], 0),
        ("multiple", ["a", "b"], ["a", "b"], 1),
        ("multiple", ["a", "b"], ["a"], 0),
        ("multiple", ["a", "b"], ["a", "b", "c"], 0),
    ],
)
def test_each_type_is_all_or_nothing_by_default(kind, answer, response, score):
    assert grade(kind, answer, response) == score


@pytest.mark.parametrize(
    ("response", "score"),
    [
        (["a", "b"], Fraction(1)),
        (["a"], Fraction(1, 2)),
        (["a", "c"], Fraction(0)),
        (["a", "b", "c"], Fraction(1, 2)),
        (["c"], Fraction(0)),
    ],
)
def test_partial_credit_counts_right_choices_minus_wrong_ones(response, score):
    assert grade("multiple", ["a", "b"], response, partial_credit=True) == score


def test_exactly_the_pass_mark_passes():
    four_of_five = percent([Fraction(1)] * 4 + [Fraction(0)])
    assert four_of_five == 80
    assert passes(four_of_five, 80)
    assert not passes(four_of_five, 81)
    two_of_three = percent([Fraction(1), Fraction(1), Fraction(0)])
    assert not passes(two_of_three, 67) and passes(two_of_three, 66)


def test_an_unknown_type_is_an_error_not_a_zero():
    with pytest.raises(ValueError, match="unknown question type"):
        grade("essay", "x", "x")
