"""The floor: the least a Flask page can cost here (one SQLite row read, a short Jinja template).

Served by the same gunicorn settings as CourseHub in the same run, it is what every page's requests per
second are divided by. ``gunicorn bench.floor:app``; ``BENCH_FLOOR_DB`` names the SQLite file.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from flask import Flask, g, render_template_string

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello</title></head>
<body><h1>Hello, {{ user.name }}</h1><p>You joined on {{ user.joined }}.</p></body></html>"""


def _database() -> Path:
    path = Path(os.environ.get("BENCH_FLOOR_DB") or Path(tempfile.gettempdir()) / "coursehub-floor.db")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT, joined TEXT)")
        conn.execute("INSERT OR IGNORE INTO users VALUES (1, 'Ada', '2026-01-05')")
    return path


def create_floor_app() -> Flask:
    floor = Flask(__name__)
    path = _database()

    @floor.get("/")
    def hello():
        if "db" not in g:
            g.db = sqlite3.connect(path)
        row = g.db.execute("SELECT name, joined FROM users WHERE id = ?", (1,)).fetchone()
        return render_template_string(PAGE, user={"name": row[0], "joined": row[1]})

    @floor.teardown_appcontext
    def close(_error):
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    return floor


app = create_floor_app()
