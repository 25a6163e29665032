"""The catalog: courses as files and rows, the public course list and course pages."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)
