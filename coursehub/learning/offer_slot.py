"""The slot where a locked lesson shows the course's call to action.

What to offer (sign up, start, buy at which price) is the shop window's decision, and the shop window
(``catalog``) sits above learning. The factory plugs catalog's function in here, so learning renders the
offer without importing the layer above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "coursehub.offer"

OfferProvider = Callable[..., Any]  # (user, course, first_lesson, access) -> catalog's CallToAction


def set_offer_provider(app: Flask, provider: OfferProvider) -> None:
    app.extensions[EXTENSION_KEY] = provider


def offer_for(user, course, first_lesson, access):
    """The course's call to action for ``user``, as the registered provider decides it."""
    return current_app.extensions[EXTENSION_KEY](user, course, first_lesson, access)
