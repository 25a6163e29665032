"""Starting and stopping what the benchmark runs: gunicorn (for the app and for the floor), each in its
own process group so that stopping it stops its workers too, and reading the workers' memory."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The README's production settings for a 2-core server (see "Running it in production").
GUNICORN_WORKERS = 3
GUNICORN_THREADS = 1
WEBHOOK_SECRET = "whsec_" + secrets.token_hex(24)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(database_url: str) -> dict[str, str]:
    """Production settings, as a school would run them, pointed at the benchmark's database.

    Stripe has a test key and a webhook secret so the webhook route is live; no measured request calls
    Stripe (the benchmark's webhook event was already processed, so every delivery is a duplicate).
    Nothing listens at the SMTP address: no measured request sends mail.
    """
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "REDIS_URL"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(
        COURSEHUB_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        BASE_URL="https://school.example.com",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT="1",
        STRIPE_SECRET_KEY="sk_test_bench_" + secrets.token_hex(8),
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def flask_command() -> list[str]:
    return [str(BIN / "flask"), "--app", "wsgi"]


class Server:
    """A gunicorn master and its workers, in a process group of their own."""

    def __init__(self, target: str, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                f"--workers={GUNICORN_WORKERS}",
                f"--threads={GUNICORN_THREADS}",
                f"--bind=127.0.0.1:{self.port}",
                "--graceful-timeout=5",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            if len(self.worker_pids()) == GUNICORN_WORKERS:
                try:
                    socket.create_connection(("127.0.0.1", self.port), 1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start in {timeout} s; see {self.log.name}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> dict[int, float]:
        return {pid: rss_mb(pid) for pid in self.worker_pids()}

    def errors(self, limit: int = 5) -> list[str]:
        """The distinct exception lines the server logged so far (what a failed request died of)."""
        self.log.flush()
        found: list[str] = []
        for line in Path(self.log.name).read_text(errors="replace").splitlines():
            text = line.strip()
            if "Error:" in text and text not in found and not text.startswith("File "):
                found.append(text[:300])
        return found[:limit]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def serving(target: str, env: dict[str, str], log_path: Path):
    server = Server(target, env, log_path)
    try:
        yield server
    finally:
        server.stop()
