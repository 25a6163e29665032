"""``flask demo serve --port N`` as a person runs it: links follow the port, the server names no version."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import csrf_token_from, free_port

PROJECT = Path(__file__).resolve().parents[1]


def flask(args, env, **kwargs):
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    return subprocess.Popen(command, cwd=PROJECT, env=env, **kwargs)


def test_demo_serve_on_another_port_builds_links_for_that_port_and_hides_versions(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COURSEHUB_", "SMTP_", "STRIPE_", "BASE_URL", "DATABASE_URL"))
    }
    env.update(
        COURSEHUB_ENV="demo",
        SECRET_KEY="demo-serve-test-secret-key-long-enough-0123456789",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}",
    )
    assert flask(["db", "upgrade"], env, stderr=subprocess.DEVNULL).wait(timeout=120) == 0
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = flask(["demo", "serve", "--port", str(port)], env, stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                health = requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health.headers["Server"] == "CourseHub"
        browser = requests.Session()
        token = csrf_token_from(browser.get(f"{base}/signup", timeout=10).text)
        form = {"csrf_token": token, "display_name": "Ada", "email": "ada@example.com"}
        answer = browser.post(
            f"{base}/signup", data={**form, "password": "p" * 12, "confirm": "p" * 12}, timeout=30
        )
        assert answer.status_code == 200
        for _ in range(100):
            links = re.findall(r"http://\S+/verify-email/\S+", log.read_text())
            if links:
                break
            time.sleep(0.1)
        assert links and links[0].startswith(f"{base}/verify-email/"), log.read_text()[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=10)
