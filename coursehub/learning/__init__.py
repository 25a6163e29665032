"""Learning: the access rule, lesson pages and their media (enrollment and progress come next)."""

from flask import Blueprint

bp = Blueprint("learning", __name__)
