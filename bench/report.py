"""The Markdown table ``make bench`` prints, made from the results it wrote."""

from __future__ import annotations


def _met(value) -> str:
    return "yes" if value else "**no**"


def markdown(results: dict) -> str:
    s = results["settings"]
    lines = [
        f"CourseHub bench, {results['generated_at']}: {s['driver']} ({s['driver_threads']} thread, "
        f"{s['connections']} connections, {s['seconds_per_endpoint']:g} s per endpoint), gunicorn "
        f"{s['gunicorn_workers']} sync workers; ratios are req/s divided by the floor of the same run.",
        "",
    ]
    for backend, result in results["backends"].items():
        floor = result["floor"]
        lines += [
            f"### {backend}: floor {floor['rps']:.0f} req/s (before {floor['before']['rps']:.0f}, "
            f"after {floor['after']['rps']:.0f}); seeded in {result['seed']['bulk_seconds']:.0f} s "
            f"after a {result['seed']['import_seconds']:.0f} s course import",
            "",
            "| page | req/s | ÷ floor | target | p50 ms | p99 ms | SQL | failures | met |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for page in result["pages"].values():
            statements = page.get("statements", "?")
            if page.get("max_statements") is not None:
                statements = f"{statements} (≤ {page['max_statements']})"
            lines.append(
                f"| {page['title']} | {page['rps']:.0f} | {page['ratio']:.3f} | ≥ {page['target_ratio']} | "
                f"{page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {statements} | {page['failures']} | "
                f"{_met(page['met'])} |"
            )
        for item in result["reports"].values():
            sql = item["raw_sql"]
            if item["status"] == "not built yet":
                lines.append(
                    f"| {item['title']} | not built yet | | ≤ 2x SQL | raw SQL {sql['p50_ms']:.1f} | "
                    f"{sql['p99_ms']:.1f} | | | |"
                )
            else:
                lines.append(
                    f"| {item['title']} | | {item['ratio_to_sql']:.2f}x SQL | "
                    f"≤ {item['target_max_ratio']}x SQL | "
                    f"{item['p50_ms']:.1f} | {item['p99_ms']:.1f} | | | {_met(item['met'])} |"
                )
        for item in result["exports"].values():
            copy = item["copy"]
            copy_text = f"COPY {copy['rows_per_second']:,} rows/s" if copy else "no COPY on SQLite"
            if item["status"] == "not built yet":
                lines.append(
                    f"| {item['title']} | not built yet ({copy_text}) | | ≥ 0.25 of COPY | | | | | |"
                )
            else:
                ratio = f"{item['ratio_to_copy']:.2f} of COPY" if item["ratio_to_copy"] is not None else ""
                lines.append(
                    f"| {item['title']} | {item['rows_per_second']:,} rows/s | {ratio} | ≥ 0.25, < 150 MB | "
                    f"peak {item['peak_worker_mb']:.0f} MB | | | | {_met(item['met'])} |"
                )
        memory = result.get("memory")
        if memory:
            lines.append(
                f"| worker RSS, {memory['requests']:,} mixed requests | | "
                f"growth {memory['max_growth']:.1%} | "
                f"≤ 10% | | | | {memory['failures']} | {_met(memory['met'])} |"
            )
        lines.append("")
        for key, top in result.get("profiles", {}).items():
            lines += [f"Profile of {key} (pyinstrument, top lines):", "", "```", *top[:15], "```", ""]
    return "\n".join(lines)
