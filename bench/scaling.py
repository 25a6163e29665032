"""``python -m bench.scaling``: the sums of docs/scaling.md, redone from ``bench/results.json``.

The traffic model is the doc's (each figure there is marked as an estimate with its reasoning); the
capacities are the PostgreSQL run's req/s. Run it after ``make bench`` and copy the figures into the doc.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

# Per online learner, per minute (docs/scaling.md §2, estimates).
HEARTBEATS_PER_MINUTE = 4.0  # the lesson page's script reports every 15 s
MEAN_LESSON_SECONDS = 560  # the 64 lessons in courses/, 35,850 s in all
SITTING_MINUTES = 30  # a course page and a dashboard once per sitting
ONLINE_AT_PEAK = 0.10  # of the day's active learners
PLANNED_LOAD = 0.5  # headroom for launches, deploys and a server down
SIZES = (1_000, 10_000, 100_000)


def figures(results: dict, backend: str = "postgresql") -> dict:
    pages = results["backends"][backend]["pages"]
    rps = {key: pages[key]["rps"] for key in ("heartbeat", "lesson_page", "course_page", "dashboard")}
    per_second = {
        "heartbeat": HEARTBEATS_PER_MINUTE / 60,
        "lesson_page": 60 / MEAN_LESSON_SECONDS / 60,
        "course_page": 1 / SITTING_MINUTES / 60,
        "dashboard": 1 / SITTING_MINUTES / 60,
    }
    requests = sum(per_second.values())
    cost = {key: per_second[key] / rps[key] for key in rps}
    server_share = sum(cost.values())
    sizes = {}
    for active in SIZES:
        online = active * ONLINE_AT_PEAK
        share = online * server_share
        sizes[active] = {
            "online": online,
            "requests_per_second": round(online * requests, 1),
            "server_share": round(share, 2),
            "servers_at_planned_load": max(1, math.ceil(share / PLANNED_LOAD)),
            "heartbeat_servers_at_full_load": round(online * per_second["heartbeat"] / rps["heartbeat"], 1),
        }
    return {
        "floor_rps": results["backends"][backend]["floor"]["rps"],
        "pages": {key: {"rps": pages[key]["rps"], "ratio": pages[key]["ratio"]} for key in pages},
        "requests_per_online_learner_per_second": round(requests, 4),
        "heartbeat_share_of_requests": round(per_second["heartbeat"] / requests, 3),
        "server_share_per_online_learner": round(server_share, 7),
        "heartbeat_share_of_cost": round(cost["heartbeat"] / server_share, 3),
        "online_learners_per_server_full": round(1 / server_share),
        "online_learners_per_server_planned": round(PLANNED_LOAD / server_share),
        "sizes": sizes,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__)
    parser.add_argument("results", nargs="?", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args(argv)
    print(json.dumps(figures(json.loads(args.results.read_text())), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
