"""Scoring one answer. Pure functions: the rules for each question type, and nothing else.

A score is between 0 and 1. Every type is all-or-nothing except ``multiple`` with partial credit, which
scores (right choices - wrong choices) / right choices, never below 0, so ticking everything earns nothing.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

KINDS = ("single", "multiple", "true_false", "ordering", "side")


def grade(kind: str, answer: Any, response: Any, partial_credit: bool = False) -> Fraction:
    if kind in ("single", "side"):
        return Fraction(int(response == answer))
    if kind == "true_false":
        return Fraction(int(response is answer))
    if kind == "ordering":
        return Fraction(int(list(response) == list(answer)))
    if kind == "multiple":
        right, chosen = set(answer), set(response)
        if not partial_credit:
            return Fraction(int(chosen == right))
        return max(Fraction(0), Fraction(len(chosen & right) - len(chosen - right), len(right)))
    raise ValueError(f"unknown question type {kind!r}")


def percent(scores: list[Fraction]) -> Fraction:
    return Fraction(0) if not scores else 100 * sum(scores, Fraction(0)) / len(scores)


def passes(score_percent: Fraction, pass_mark: int) -> bool:
    """Exactly the mark passes; exact fractions, so 4 of 5 is 80 and never 79.99999."""
    return score_percent >= pass_mark
