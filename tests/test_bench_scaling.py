"""docs/scaling.md's sums come from ``bench.scaling``: checked here against figures worked by hand."""

from bench.scaling import figures


def results(heartbeat_rps: float) -> dict:
    pages = {
        "heartbeat": heartbeat_rps,
        "lesson_page": 100.0,
        "course_page": 100.0,
        "dashboard": 100.0,
    }
    return {
        "backends": {
            "postgresql": {
                "floor": {"rps": 1000.0},
                "pages": {key: {"rps": rps, "ratio": rps / 1000} for key, rps in pages.items()},
            }
        }
    }


def test_the_sums_by_hand():
    worked = figures(results(heartbeat_rps=200.0))
    # Per online learner a second: 4/60 heartbeats, 1/560 lesson pages, 1/1800 course pages and dashboards.
    requests = 4 / 60 + 1 / 560 + 2 / 1800
    assert worked["requests_per_online_learner_per_second"] == round(requests, 4)
    share = (4 / 60) / 200 + (1 / 560 + 2 / 1800) / 100
    assert worked["server_share_per_online_learner"] == round(share, 7)
    assert worked["online_learners_per_server_planned"] == round(0.5 / share)
    big = worked["sizes"][100_000]
    assert big["online"] == 10_000
    assert big["servers_at_planned_load"] == -(-10_000 * share // 0.5)  # rounded up
    assert big["heartbeat_servers_at_full_load"] == round(10_000 * (4 / 60) / 200, 1)


def test_a_cheaper_heartbeat_needs_fewer_servers():
    slow, fast = figures(results(100.0)), figures(results(400.0))
    assert (
        fast["sizes"][100_000]["servers_at_planned_load"] < slow["sizes"][100_000]["servers_at_planned_load"]
    )
    assert fast["heartbeat_share_of_cost"] < slow["heartbeat_share_of_cost"]
