"""The WSGI entry point: ``gunicorn wsgi:app``. Bad settings stop the start with one line."""

import sys

from coursehub import create_app
from coursehub.core.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"CourseHub cannot start: {error}")
