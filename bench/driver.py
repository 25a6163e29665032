"""Load from a second process: wrk when it is installed, otherwise a bounded Python driver.

Both send a fixed list of requests in rotation over keep-alive connections, for a fixed time or until a
fixed number of responses, and report requests per second, p50 and p99 latency and the failures
(a connection error, or a status of 400 or more).
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failures: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def driver_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def run_load(
    base_url: str, requests: list[Request], seconds: float, connections: int, work_dir: Path, limit: int = 0
) -> LoadResult:
    """Drive ``requests`` in rotation for ``seconds`` (or until ``limit`` responses, when given)."""
    if driver_name() == "wrk":
        return _run_wrk(base_url, requests, seconds, connections, work_dir, limit)
    return _run_python(base_url, requests, seconds, connections, limit)


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for this text


def _lua_script(requests: list[Request], limit: int) -> str:
    formatted = ",\n".join(
        "wrk.format({}, {}, {{{}}}, {})".format(
            _lua_string(r.method),
            _lua_string(r.path),
            ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers.items()),
            _lua_string(r.body) if r.body else "nil",
        )
        for r in requests
    )
    return f"""
local requests = {{
{formatted}
}}
local next_index, responses, failed, limit = 0, 0, 0, {limit}
request = function()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
response = function(status, headers, body)
  responses = responses + 1
  if status >= 400 then failed = failed + 1 end
  if limit > 0 and responses >= limit then
    -- wrk.thread:stop() would leave wrk waiting out its duration with its connections open; end it here.
    io.write(string.format('BENCH {{"requests": %d, "duration_us": 0, "p50_us": 0, "p99_us": 0, '
      .. '"failures": %d}}\\n', responses, failed))
    io.flush()
    os.exit(0)
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"failures": %d}}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _run_wrk(
    base_url: str, requests: list[Request], seconds: float, connections: int, work_dir: Path, limit: int
) -> LoadResult:
    script = work_dir / "requests.lua"
    script.write_text(_lua_script(requests, limit))
    started = time.monotonic()
    # With a limit, the duration is only a bound: the script stops wrk after ``limit`` responses.
    duration = f"{max(1, round(seconds))}s"
    completed = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--timeout=10s", "-s", str(script), base_url],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return LoadResult(  # a counted run has no latency figures: only its count and time matter
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6 or time.monotonic() - started,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        failures=data["failures"],
    )


def _run_python(
    base_url: str, requests: list[Request], seconds: float, connections: int, limit: int
) -> LoadResult:
    """One thread per connection; bounded by time and by count, so it always ends."""
    host, port = base_url.removeprefix("http://").split(":")
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(limit if limit else 10**9))

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        index = offset
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    break
            request = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            try:
                conn.request(request.method, request.path, body=request.body or None, headers=request.headers)
                response = conn.getresponse()
                response.read()
                failed = response.status >= 400
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                failed = True
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures[0] += failed
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return LoadResult(len(latencies), elapsed, cuts[49] * 1000, cuts[98] * 1000, failures[0])
