"""The progress charts, drawn on the server by pygal as SVG.

Each chart carries a <title> and a <desc>, and tells its series apart by more than colour (a dashed line
against dots alone, solid against outlined bars, printed values), because the same numbers are also in a
table under it. pygal always writes an inline <script> with its tooltip config; it is removed from the
tree before rendering, since the pages allow no inline script and the charts need none.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from xml.etree.ElementTree import Element

import pygal
from pygal.style import Style

from coursehub.practice.reports import ProgressReport

# Importing pygal appends an import hook for its map plugins (unused here) that lacks find_spec, so every
# later failed import warns, which is an error under -W error (the tests, PYTHONWARNINGS=error commands).
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222222",
    foreground_strong="#111111",
    foreground_subtle="#767676",
    font_family="Helvetica, Arial, sans-serif",
    title_font_size=22,
    label_font_size=16,
    major_label_font_size=16,
    legend_font_size=17,
    value_font_size=18,
    value_label_font_size=16,
    colors=("#1b4f8a", "#a84300", "#2e6b30", "#6b2e6b"),
)
# The second series of a bar chart is outlined and lighter, so "before" and "after" differ without colour.
OUTLINED_SECOND_SERIES = (
    "inline:.series.serie-1 .rect{fill-opacity:.35;stroke:#111;stroke-width:2;stroke-dasharray:5,3}"
)


def _day(day) -> str:
    return f"{day.day} {day:%b}"


def _without_scripts_with(title: str, desc: str) -> Callable:
    """An xml filter: drop pygal's scripts; give the chart its accessible name and description."""

    def apply(root: Element) -> Element:
        for parent in list(root.iter()):
            for child in list(parent):
                if str(child.tag).rsplit("}", 1)[-1] == "script":
                    parent.remove(child)
        desc_element = root.makeelement("desc", {"id": "chart-desc"})
        desc_element.text = desc
        title_element = root.makeelement("title", {"id": "chart-title"})
        title_element.text = title
        root.insert(0, desc_element)
        root.insert(0, title_element)
        root.set("role", "img")
        root.set("aria-labelledby", "chart-title chart-desc")
        return root

    return apply


def _chart(kind, title: str, desc: str, width: int = 640, height: int = 400, **config):
    chart = kind(
        title=title,
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        truncate_legend=-1,
        width=width,
        height=height,
        explicit_size=False,
        **config,
    )
    chart.add_xml_filter(_without_scripts_with(title, desc))
    return chart


def pain_chart(report: ProgressReport):
    days = report.pain_by_day
    chart = _chart(
        pygal.Line,
        "Pain over time",
        "Average pain from 0 to 10 per day, as a dashed line with small dots. Days you practised are "
        "marked with large dots without a line.",
        range=(0, 10),
        x_label_rotation=30,
        show_minor_x_labels=len(days) <= 14,
        x_labels_major_count=14,
    )
    chart.x_labels = [_day(day) for day, _, _ in days]
    scores = [score for _, score, _ in days]
    chart.add("Average pain (dashed line)", scores, stroke_style={"dasharray": "8,4"})
    chart.add(
        "Practice day (large dot)",
        [score if practised else None for _, score, practised in days],
        stroke=False,
        dots_size=8,
    )
    return chart


def change_chart(report: ProgressReport):
    rows = [row for row in report.changes if row.before is not None or row.after is not None]
    chart = _chart(
        pygal.Bar,
        "Pain before and after each session",
        "For each session, pain from 0 to 10 before it (solid bar, left) and after it (outlined bar, "
        "right), with the score printed on each bar.",
        range=(0, 10),
        print_values=True,
        print_zeroes=True,
        css=(*pygal.Config().css, OUTLINED_SECOND_SERIES),
        x_label_rotation=30,
    )
    chart.x_labels = [_day(row.day) for row in rows]
    chart.add("Before (solid)", [row.before for row in rows])
    chart.add("After (outlined)", [row.after for row in rows])
    return chart


def balance_chart(report: ProgressReport):
    chart = _chart(
        pygal.HorizontalBar,
        "Left and right",
        f"Repetitions done: {report.reps_left} on the left side and {report.reps_right} on the right side.",
        print_values=True,
        print_zeroes=True,
        show_legend=False,
        height=260,
    )
    chart.x_labels = ["Left side", "Right side"]
    chart.add("Repetitions", [report.reps_left, report.reps_right])
    return chart


def adherence_chart(report: ProgressReport):
    weeks = report.weeks
    chart = _chart(
        pygal.Bar,
        "Practice on the days you chose",
        "For each week, the share of your chosen practice days so far on which you practised, "
        "printed as a percentage on each bar.",
        range=(0, 100),
        print_values=True,
        print_zeroes=True,
        show_legend=False,
        x_label_rotation=30,
        value_formatter=lambda value: f"{value:.0f}%",
    )
    chart.x_labels = [f"Week of {_day(week.starts)}" for week in weeks]
    chart.add("Chosen days practised", [week.percent for week in weeks])
    return chart


CHARTS = {
    "pain": pain_chart,
    "change": change_chart,
    "balance": balance_chart,
    "adherence": adherence_chart,
}


def render_chart(name: str, report: ProgressReport) -> str:
    """The chart ``name`` (a key of ``CHARTS``) as SVG text."""
    return CHARTS[name](report).render(is_unicode=True)
