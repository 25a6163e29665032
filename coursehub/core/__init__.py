"""Site-wide pages: the home page and the health check."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from coursehub.core import views  # noqa: E402, F401 - registers the routes on bp
