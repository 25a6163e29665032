"""Charts drawn on the server as SVG with pygal: no script, no colour-only cues, the numbers in a table too.

Each series has its own dash pattern and dot shape besides its colour, and values are printed on bars,
so a chart reads in grey scale; the page shows the same numbers in a table for screen readers.
"""

from __future__ import annotations

import pygal
from pygal.style import Style

from coursehub.admin.sales import Bucket, ProductFigures
from coursehub.billing.money import format_price, to_major

STYLE = Style(
    background="white",
    plot_background="white",
    font_family="system-ui, sans-serif",
    colors=("#1f4e79", "#b35900", "#2e7d32", "#6a1b9a"),
)
DASHES = ("0", "8,4", "2,4", "12,4,2,4")


def _config(title: str) -> dict:
    return {
        "title": title,
        "style": STYLE,
        # pygal's tooltips are a remote script: none. The chart is served as an image with its own CSP,
        # which also blocks the small config script pygal always writes into the SVG.
        "js": [],
        "disable_xml_declaration": False,
        "show_legend": True,
        "legend_at_bottom": True,
        "width": 800,
        "height": 360,
        "explicit_size": True,
        "x_label_rotation": 30,
        "truncate_label": 20,
        "show_minor_x_labels": True,
    }


def _svg(chart) -> bytes:
    return chart.render()


def net_revenue_chart(buckets: list[Bucket], currencies: list[str]) -> bytes:
    chart = pygal.Line(**_config("Net revenue after fees"))
    chart.x_labels = [bucket.label for bucket in buckets]
    for number, currency in enumerate(currencies):
        chart.add(
            f"Net ({currency.upper()})",
            [float(to_major(bucket.net.get(currency, 0), currency)) for bucket in buckets],
            stroke_style={"width": 2, "dasharray": DASHES[number % len(DASHES)]},
            formatter=lambda value, c=currency: format_price(round(value * 100), c),
        )
    return _svg(chart)


def refund_rate_chart(buckets: list[Bucket], currencies: list[str]) -> bytes:
    chart = pygal.Line(**_config("Refund rate (% of charged)"))
    chart.x_labels = [bucket.label for bucket in buckets]
    for number, currency in enumerate(currencies):
        chart.add(
            f"Refund rate ({currency.upper()})",
            [refund_rate(bucket, currency) for bucket in buckets],
            stroke_style={"width": 2, "dasharray": DASHES[number % len(DASHES)]},
            formatter=lambda value: "—" if value is None else f"{value:.1f}%",
        )
    return _svg(chart)


def refund_rate(bucket: Bucket, currency: str) -> float | None:
    charged = bucket.charged.get(currency, 0)
    return None if not charged else round(100 * bucket.refunds.get(currency, 0) / charged, 1)


def sales_per_product_chart(products: list[ProductFigures]) -> bytes:
    """One bar per product, named on its axis (not by a colour in a legend), its amount printed on it."""
    chart = pygal.HorizontalBar(
        **{**_config("Sales per course and bundle"), "truncate_label": -1, "show_legend": False},
        print_values=True,
    )
    chart.x_labels = [f"{product.title} ({product.currency.upper()})" for product in products]
    chart.add(
        "Charged",
        [float(to_major(product.charged, product.currency)) for product in products],
        formatter=lambda value: f"{value:,.2f}",
    )
    return _svg(chart)
