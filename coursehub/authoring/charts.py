"""The insights page's charts: pygal SVG drawn on the server, shown as images, numbers in tables too.

The page's CSP allows neither inline scripts nor inline styles, so a chart goes in as a ``data:`` image
(an SVG image keeps its own styles and never runs scripts) with pygal's config script removed anyway.
Every bar carries its value as text and every chart a title, so nothing depends on telling colours apart.
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
)


def _percent(value: float | None) -> str:
    return "no data" if value is None else f"{round(100 * value)}%"


def _chart(title: str, labels: Sequence[str], **options) -> pygal.HorizontalBar:
    settings = {"show_legend": False, **options}
    return pygal.HorizontalBar(
        title=title,
        x_labels=list(labels),
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        print_values=True,
        print_values_position="top",
        truncate_label=40,
        width=800,
        height=140 + 44 * max(len(labels), 1),
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


def insight_charts(insights: CourseInsights) -> dict[str, str]:
    """The page's charts by name, each a ``data:`` URI; a course without questions has no quiz chart."""
    titles = [item.lesson.title for item in insights.lessons]
    progress = _chart("Learners per lesson: started and finished", titles, show_legend=True)
    progress.add("Started", [i.started for i in insights.lessons], formatter=lambda v: f"started {v}")
    progress.add("Finished", [i.finished for i in insights.lessons], formatter=lambda v: f"finished {v}")
    watched = _chart("Median share of the video watched", titles, range=(0, 1))
    watched.add("Watched", [i.median_watched for i in insights.lessons], formatter=_percent)
    stops = _chart("Where learners stop: last lesson before 14 days of silence", titles)
    stops.add("Stopped", [i.stopped_here for i in insights.lessons], formatter=lambda v: f"{v} stopped")
    charts = {"progress": progress, "watched": watched, "stops": stops}
    if insights.questions:
        prompts = [f"Q{n}. {q.question.prompt}" for n, q in enumerate(insights.questions, start=1)]
        questions = _chart("Quiz questions: share answered right", prompts, range=(0, 1))
        questions.add("Right", [q.share_right for q in insights.questions], formatter=_percent)
        charts["questions"] = questions
    return {name: _as_image(chart) for name, chart in charts.items()}
