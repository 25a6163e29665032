"""The insights page's charts: pygal SVG drawn on the server, shown as images, numbers in tables too.

The page's CSP allows neither inline scripts nor inline styles, so a chart goes in as a ``data:`` image
(an SVG image keeps its own styles and never runs scripts) with pygal's config script removed anyway.
Every bar has its numbers as text in its label and every chart a title: nothing depends on colour.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from xml.etree import ElementTree

import pygal
from pygal.style import Style

from coursehub.authoring.insights import CourseInsights

SVG_NS = "http://www.w3.org/2000/svg"
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    colors=("#1d4ed8", "#b45309"),  # blue and amber: apart for every kind of colour vision
    font_family="system-ui, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=14,
    no_data_font_size=24,
)


def _percent(value: float | None) -> str:
    return "no data" if value is None else f"{round(100 * value)}%"


def _label(title: str, figures: str) -> str:
    """An axis label that carries the bar's numbers, so they are read beside the title, never on the bar."""
    short = title if len(title) <= 30 else title[:29] + "…"
    return f"{short} · {figures}"


def _count_ticks(values: Sequence[int]) -> list[int]:
    top = max([*values, 1])
    step = -(-top // 5)
    return list(range(0, top + step, step))


def _chart(title: str, labels: Sequence[str], ticks: Sequence[float], **options) -> pygal.HorizontalBar:
    """A horizontal bar chart drawn top to bottom in the order given (pygal draws the first at the foot)."""
    settings = {"show_legend": False, **options}
    return pygal.HorizontalBar(
        title=title,
        x_labels=list(reversed(labels)),
        y_labels=list(ticks),
        range=(ticks[0], ticks[-1]),
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        truncate_label=-1,
        truncate_legend=-1,
        no_data_text="No learners yet",
        width=720,
        height=120 + 40 * max(len(labels), 1),
        margin=16,
        **settings,
    )


def _as_image(chart: pygal.HorizontalBar) -> str:
    """The chart as a ``data:`` URI, with pygal's inline config script taken out."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in ("script", f"{{{SVG_NS}}}script"):
                parent.remove(child)
    svg = ElementTree.tostring(root, encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


SHARE_TICKS = (0, 0.25, 0.5, 0.75, 1)


def insight_charts(insights: CourseInsights) -> dict[str, str]:
    """The page's charts by name, each a ``data:`` URI; a course without questions has no quiz chart."""
    lessons = insights.lessons
    started, finished = [i.started for i in lessons], [i.finished for i in lessons]
    progress = _chart(
        "Learners per lesson: started (upper bar), finished (lower bar)",
        [_label(i.lesson.title, f"{i.started} started, {i.finished} finished") for i in lessons],
        _count_ticks(started),
        show_legend=True,
        legend_at_bottom=True,
    )
    progress.add("Started", started[::-1])
    progress.add("Finished", finished[::-1])
    watched = _chart(
        "Median share of the video watched",
        [_label(i.lesson.title, _percent(i.median_watched)) for i in lessons],
        SHARE_TICKS,
        value_formatter=_percent,
    )
    watched.add("Watched", [i.median_watched for i in lessons][::-1])
    stopped = [i.stopped_here for i in lessons]
    stops = _chart(
        "Where learners stop: last lesson before 14 days of silence",
        [_label(i.lesson.title, f"{i.stopped_here} stopped") for i in lessons],
        _count_ticks(stopped),
    )
    stops.add("Stopped", stopped[::-1])
    charts = {"progress": progress, "watched": watched, "stops": stops}
    if insights.questions:
        questions = _chart(
            "Quiz questions: share of answers right",
            [
                _label(f"Q{n}. {q.question.prompt}", _percent(q.share_right))
                for n, q in enumerate(insights.questions, start=1)
            ],
            SHARE_TICKS,
            value_formatter=_percent,
        )
        questions.add("Right", [q.share_right for q in insights.questions][::-1])
        charts["questions"] = questions
    return {name: _as_image(chart) for name, chart in charts.items()}
