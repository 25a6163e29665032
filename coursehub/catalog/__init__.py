"""The shop window: the home page, course pages, the disclaimer and the `flask courses` commands.

It sits on top: it composes content, learning (access, progress) and billing (prices, bundles).
"""

from flask import Blueprint

bp = Blueprint("catalog", __name__)
