"""Site-wide endpoints that belong to no feature: the health check."""

from flask import Blueprint

bp = Blueprint("core", __name__)
