"""``python -m bench``: seed, serve, load, compare with the floor, write results.json, print the table.

Every server it starts runs in its own process group and is stopped in a ``finally``; every database it
creates is dropped at the end (``--keep`` leaves it, to profile by hand). Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import stripe

from bench import report
from bench.baselines import percentiles, sales_sql, time_copy
from bench.browser import Browser
from bench.driver import LoadResult, Request, driver_name, run_load
from bench.endpoints import EXPORTS, PAGES, REPORTS, Export, Report, Setup, Watcher
from bench.inprocess import SIGNED_IN, InProcess
from bench.seed import BENCH_ADMIN, BENCH_LEARNER, DUPLICATE_EVENT_ID, Scale, seed
from bench.servers import (
    GUNICORN_THREADS,
    GUNICORN_WORKERS,
    ROOT,
    WEBHOOK_SECRET,
    app_environment,
    flask_command,
    serving,
)
from coursehub.core.extensions import db
from coursehub.stripe_fake import signature_header

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_DATABASE = os.environ.get("BENCH_POSTGRES_DATABASE", "bench_coursehub")
WARMUP_REQUESTS = 2_000
WATCHERS = 16  # learners sending heartbeats at once (more than the 8 connections, so none waits on itself)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=15, help="load per endpoint (the issue's 15 s)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--rss-requests", type=int, default=20_000, help="mixed requests for the memory check"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--keep", action="store_true", help="leave the seeded databases in place")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="a fraction of the issue's scale, for trying it"
    )
    keys = [item.key for item in (*PAGES, *REPORTS, *EXPORTS)]
    parser.add_argument(
        "--only",
        action="append",
        choices=keys,
        metavar="KEY",
        help=f"measure only this endpoint (repeatable; no memory check): {', '.join(keys)}",
    )
    return parser.parse_args(argv)


def chosen(items: tuple, args) -> tuple:
    """The endpoints ``--only`` names, or all of them."""
    return tuple(item for item in items if not args.only or item.key in args.only)


# ---- databases ----------------------------------------------------------------------------------------


@contextmanager
def work_folder(keep: bool):
    """The run's scratch folder (servers' logs, the SQLite database): removed at the end, unless ``--keep``
    asks to profile by hand afterwards, when its path is printed."""
    if keep:
        path = tempfile.mkdtemp(prefix="coursehub-bench-")
        print(f"keeping {path}", file=sys.stderr, flush=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="coursehub-bench-") as path:
        yield path


def postgres_reachable() -> bool:
    engine = sa.create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@contextmanager
def bench_database(backend: str, work_dir: Path, keep: bool):
    if backend == "sqlite":
        path = work_dir / "coursehub.db"
        yield f"sqlite:///{path}"
        if not keep:
            path.unlink(missing_ok=True)
        return
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    try:
        yield sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=POSTGRES_DATABASE).render_as_string(False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        admin.dispose()


# ---- what the requests need ------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    lesson: str  # the lesson in the middle of the largest paid course
    course: str  # that course
    free_lessons: list[tuple[str, str]]  # (page, progress endpoint) of each free lesson with a video


def find_paths(url: str) -> Paths:
    """Where the measured requests go: the paid lesson and course the bench learner owns, and the free
    course's lessons with a video, which every signed-in learner may watch (the heartbeat's watchers)."""
    t = db.metadata.tables
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            lessons = conn.execute(
                sa.select(t["courses"].c.slug, t["courses"].c.access, t["lessons"].c.slug, t["lessons"].c.id)
                .add_columns(t["lessons"].c.duration_seconds)
                .join(t["lessons"], t["lessons"].c.course_id == t["courses"].c.id)
                .join(t["modules"], t["modules"].c.id == t["lessons"].c.module_id)
                .order_by(t["courses"].c.position, t["modules"].c.position, t["lessons"].c.position)
            ).all()
    finally:
        engine.dispose()
    paid: dict[str, list] = {}
    for row in lessons:
        if row[1] == "paid":
            paid.setdefault(row[0], []).append(row)
    course_slug, course_lessons = max(paid.items(), key=lambda item: len(item[1]))
    middle = course_lessons[len(course_lessons) // 2]
    free = [
        (f"/courses/{row[0]}/lessons/{row[2]}", f"/api/lessons/{row[3]}/progress")
        for row in lessons
        if row[1] == "free" and row[4] and row[4] >= 12
    ]
    return Paths(f"/courses/{course_slug}/lessons/{middle[2]}", f"/courses/{course_slug}", free)


def watching_learners(server_url: str, paths: Paths) -> list[Watcher]:
    """WATCHERS seeded learners signed in, each on a free lesson (round robin), with their page's token."""
    watchers = []
    for number in range(1, WATCHERS + 1):
        browser = Browser(server_url)
        browser.log_in(f"learner{number}@example.com", BENCH_LEARNER[1])
        page, progress = paths.free_lessons[number % len(paths.free_lessons)]
        token = browser.csrf_token_on(page)  # may renew the session cookie: read the cookies after
        watchers.append(Watcher(browser.cookie_header, token, progress))
    return watchers


def webhook_body() -> str:
    """A ``checkout.session.completed`` event shaped as Stripe sends it; the seed marked it processed."""
    event = {
        "id": DUPLICATE_EVENT_ID,
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "type": "checkout.session.completed",
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {"id": "cs_bench_1", "object": "checkout.session", "payment_status": "paid"}},
    }
    return json.dumps(event, separators=(",", ":"))


def make_setup(learner: Browser, admin: Browser, server_url: str, url: str) -> Setup:
    paths = find_paths(url)
    learner.csrf_token_on(paths.lesson)  # the page may renew the session cookie: read the cookies after
    body = webhook_body()
    return Setup(
        learner=learner.cookie_header,
        admin=admin.cookie_header,
        lesson_path=paths.lesson,
        course_path=paths.course,
        watchers=watching_learners(server_url, paths),
        webhook_body=body,
        webhook_signature=lambda: signature_header(body, WEBHOOK_SECRET),
    )


def send_once(base_url: str, request: Request) -> tuple[int, bytes]:
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        conn.request(request.method, request.path, body=request.body or None, headers=request.headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# ---- measuring -------------------------------------------------------------------------------------


def load_figures(result: LoadResult) -> dict:
    return {
        "requests": result.requests,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "failures": result.failures,
    }


def measure_floor(work_dir: Path, args) -> dict:
    env = {"PATH": os.environ.get("PATH", ""), "BENCH_FLOOR_DB": str(work_dir / "floor.db")}
    with serving("bench.floor:app", env, work_dir / "floor.log") as floor:
        return load_figures(
            run_load(floor.url, [Request("GET", "/")], args.seconds, args.connections, work_dir)
        )


def measure_pages(server, setup: Setup, floor_rps: float, args, work_dir: Path) -> dict:
    pages = {}
    for page in chosen(PAGES, args):
        requests = page.requests(setup)
        status, body = send_once(server.url, requests[0])
        if status != 200:
            raise RuntimeError(f"{page.key}: {requests[0].path} answered {status}: {body[:300]!r}")
        figures = load_figures(run_load(server.url, requests, args.seconds, args.connections, work_dir))
        ratio = figures["rps"] / floor_rps if floor_rps else 0.0
        pages[page.key] = {
            "title": page.title,
            **figures,
            "ratio": round(ratio, 3),
            "target_ratio": page.target_ratio,
            "met": ratio >= page.target_ratio and not figures["failures"],
        }
    return pages


def measure_report(server, setup: Setup, item: Report, url: str, repeats: int = 25) -> dict:
    """The report's page and the raw aggregate, timed in turns (after one of each to warm up), so both
    meet the same moments of a shared machine."""
    request = Request("GET", item.path, setup.admin)
    with sales_sql(url) as run_sql:
        months = len(run_sql())
        status, _ = send_once(server.url, request)
        page_times, sql_times = [], []
        for _ in range(repeats if status != 404 else 3):
            sql_times.append(_timed(run_sql))
            if status != 404:
                page_times.append(_timed(lambda: send_once(server.url, request)))
    sql = {"months": months, **percentiles(sql_times)}
    if status == 404:
        return {"title": item.title, "status": "not built yet", "path": item.path, "raw_sql": sql}
    page = percentiles(page_times)
    ratio = page["p50_ms"] / sql["p50_ms"] if sql["p50_ms"] else 0.0
    return {
        "title": item.title,
        "status": status,
        "path": item.path,
        **page,
        "raw_sql": sql,
        "ratio_to_sql": round(ratio, 2),
        "target_max_ratio": item.max_ratio_to_sql,
        "met": status == 200 and ratio <= item.max_ratio_to_sql,
    }


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure_export(server, setup: Setup, item: Export, url: str) -> dict:
    """Stream the export once while sampling the workers' memory every 50 ms."""
    copy = time_copy(url)
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    peak, done = [0.0], threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max([peak[0], *server.worker_rss_mb().values()])

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        started = time.perf_counter()
        conn.request("GET", item.path, headers=setup.admin)
        response = conn.getresponse()
        size = lines = 0
        while chunk := response.read(1 << 16):
            size, lines = size + len(chunk), lines + chunk.count(b"\n")
        seconds = time.perf_counter() - started
    finally:
        done.set()
        sampler.join()
        conn.close()
    if response.status == 404:
        return {"title": item.title, "status": "not built yet", "path": item.path, "copy": copy}
    rows_per_second = (lines - 1) / seconds if seconds else 0.0
    ratio = rows_per_second / copy["rows_per_second"] if copy else None
    return {
        "title": item.title,
        "status": response.status,
        "path": item.path,
        "rows": lines - 1,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows_per_second),
        "peak_worker_mb": round(peak[0], 1),
        "copy": copy,
        "ratio_to_copy": round(ratio, 3) if ratio is not None else None,
        "met": response.status == 200
        and peak[0] < item.max_worker_mb
        and (ratio is None or ratio >= item.min_ratio_to_copy),
    }


def measure_memory(server, setup: Setup, args, work_dir: Path) -> dict:
    """Worker RSS after the first 2,000 mixed requests and after all of them (20,000 by default)."""
    mixed = [request for page in PAGES if page.mixed for request in page.requests(setup)[:3]]
    bound = 240.0  # keeps the run inside its 10 minutes on a busy machine; the count says what was done
    first = run_load(server.url, mixed, bound, args.connections, work_dir, limit=WARMUP_REQUESTS)
    after_first = server.worker_rss_mb()
    rest = run_load(
        server.url, mixed, bound, args.connections, work_dir, limit=args.rss_requests - WARMUP_REQUESTS
    )
    after_all = server.worker_rss_mb()
    growth = max(
        (
            after_all[pid] / after_first[pid] - 1
            for pid in after_first
            if pid in after_all and after_first[pid]
        ),
        default=0.0,
    )
    return {
        "requests": first.requests + rest.requests,
        "failures": first.failures + rest.failures,
        "rss_mb_after_first": {str(pid): round(mb, 1) for pid, mb in after_first.items()},
        "rss_mb_after_all": {str(pid): round(mb, 1) for pid, mb in after_all.items()},
        "workers_replaced": len(set(after_first) - set(after_all)),
        "max_growth": round(growth, 3),
        "target_max_growth": 0.10,
        "met": growth <= 0.10,
    }


def measure_in_process(url: str, env: dict[str, str], pages: dict, args, profile: bool) -> dict:
    """SQL statements per page, and the profile of every page that missed its ratio."""
    inproc = InProcess(url, env["STRIPE_SECRET_KEY"], WEBHOOK_SECRET)
    try:
        inproc.log_in(*BENCH_LEARNER)
        paths = find_paths(url)
        page, progress = paths.free_lessons[0]
        body = webhook_body()
        setup = Setup(
            learner=SIGNED_IN,
            admin=SIGNED_IN,
            lesson_path=paths.lesson,
            course_path=paths.course,
            watchers=[Watcher(SIGNED_IN, inproc.csrf_token_on(page), progress)],
            webhook_body=body,
            webhook_signature=lambda: signature_header(body, WEBHOOK_SECRET),
        )
        profiles = {}
        for page in chosen(PAGES, args):
            requests = page.requests(setup)
            _status, statements = inproc.count_statements(requests[0])
            pages[page.key]["statements"] = statements
            pages[page.key]["max_statements"] = page.max_statements
            if page.max_statements is not None and statements > page.max_statements:
                pages[page.key]["met"] = False
            if profile and not pages[page.key]["met"]:
                profiles[page.key] = inproc.profile(requests[:5])
        return profiles
    finally:
        inproc.close()


def run_backend(backend: str, url: str, env: dict[str, str], seeded: dict, args, work_dir: Path) -> dict:
    """Measure one seeded database: the floor, the pages, reports, exports, memory, counts, profiles."""
    started = time.monotonic()
    result: dict = {"seed": seeded}
    print(f"[{backend}] floor ...", file=sys.stderr, flush=True)
    floor_before = measure_floor(work_dir, args)
    with serving("wsgi:app", env, work_dir / f"{backend}.log") as server:
        learner, admin = Browser(server.url), Browser(server.url)
        learner.log_in(*BENCH_LEARNER)
        admin.log_in(*BENCH_ADMIN)
        setup = make_setup(learner, admin, server.url, url)
        print(f"[{backend}] pages ...", file=sys.stderr, flush=True)
        pages = measure_pages(server, setup, floor_before["rps"], args, work_dir)
        result["server_errors"] = server.errors()
        reports = {item.key: measure_report(server, setup, item, url) for item in chosen(REPORTS, args)}
        exports = {item.key: measure_export(server, setup, item, url) for item in chosen(EXPORTS, args)}
        if backend == "postgresql" and args.rss_requests > WARMUP_REQUESTS and not args.only:
            print(
                f"[{backend}] memory over {args.rss_requests} mixed requests ...",
                file=sys.stderr,
                flush=True,
            )
            result["memory"] = measure_memory(server, setup, args, work_dir)
    floor_after = measure_floor(work_dir, args)
    floor_rps = (floor_before["rps"] + floor_after["rps"]) / 2
    for figures in pages.values():  # divide by the floor measured on both sides of the pages
        figures["ratio"] = round(figures["rps"] / floor_rps, 3)
        figures["met"] = figures["ratio"] >= figures["target_ratio"] and not figures["failures"]
    result["floor"] = {"before": floor_before, "after": floor_after, "rps": round(floor_rps, 1)}
    print(f"[{backend}] statement counts and profiles ...", file=sys.stderr, flush=True)
    result["profiles"] = measure_in_process(url, env, pages, args, profile=backend == "postgresql")
    result.update(pages=pages, reports=reports, exports=exports)
    result["measure_seconds"] = round(time.monotonic() - started, 1)
    return result


def seed_all(urls: dict[str, str], envs: dict[str, dict[str, str]], scale: Scale) -> dict[str, dict]:
    """Seed every database at once, one process each: seeding is Python-bound (about 85 s of one core
    per database), and nothing is measured while it runs, so the two cores can both be busy."""
    print(f"seeding {', '.join(urls)} ...", file=sys.stderr, flush=True)
    with ProcessPoolExecutor(max_workers=len(urls)) as pool:
        futures = {
            backend: pool.submit(seed, url, flask_command(), envs[backend], scale)
            for backend, url in urls.items()
        }
        return {backend: future.result() for backend, future in futures.items()}


def main(argv=None) -> int:
    args = parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in backends and not postgres_reachable():
        if args.db == "postgresql":
            sys.exit(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} (set BENCH_POSTGRES_URL)")
        print("PostgreSQL is not reachable: measuring SQLite only", file=sys.stderr)
        backends.remove("postgresql")
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "settings": {
            "driver": driver_name(),
            "seconds_per_endpoint": args.seconds,
            "connections": args.connections,
            "driver_threads": 1,
            "gunicorn_workers": GUNICORN_WORKERS,
            "gunicorn_threads": GUNICORN_THREADS,
            "scale": Scale().times(args.scale).__dict__,
        },
        "backends": {},
    }
    started = time.monotonic()
    with work_folder(args.keep) as work, ExitStack() as databases:
        urls = {
            backend: databases.enter_context(bench_database(backend, Path(work), args.keep))
            for backend in backends
        }
        envs = {backend: app_environment(url) for backend, url in urls.items()}
        seeded = seed_all(urls, envs, Scale().times(args.scale))
        results["seed_seconds"] = round(time.monotonic() - started, 1)
        for backend in backends:
            results["backends"][backend] = run_backend(
                backend, urls[backend], envs[backend], seeded[backend], args, Path(work)
            )
            args.out.write_text(json.dumps(results, indent=2) + "\n")
    results["seconds"] = round(time.monotonic() - started, 1)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
