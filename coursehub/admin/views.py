"""The sales dashboard and its charts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, render_template, request

from coursehub.admin import bp
from coursehub.admin.charts import net_revenue_chart, refund_rate, refund_rate_chart, sales_per_product_chart
from coursehub.admin.conversion import conversion
from coursehub.admin.periods import PRESETS, Period, PeriodError, parse_grouping, parse_period
from coursehub.admin.sales import summary

# The chart is an image: it may style itself, and nothing in it may run or load.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'"
CHARTS = {"net", "refund-rate", "products"}


def school_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SCHOOL_TIMEZONE"])


def requested_period() -> Period:
    try:
        return parse_period(request.args, school_zone())
    except PeriodError as error:
        abort(400, str(error))


@bp.get("/")
def dashboard():
    period = requested_period()
    try:
        grouping = parse_grouping(request.args, period)
    except PeriodError as error:
        abort(400, str(error))
    sums = summary(period, grouping)
    currencies = sorted(set(sums.now) | {c for bucket in sums.buckets for c in bucket.charged})
    return render_template(
        "admin/dashboard.html",
        period=period,
        previous=period.previous(),
        presets=PRESETS,
        grouping=grouping,
        figures=sums.now,
        before=sums.before,
        products=sums.products,
        buckets=sums.buckets,
        currencies=currencies,
        refund_rate=refund_rate,
        query=request.args.to_dict(),
    )


@bp.get("/charts/<name>.svg")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    period = requested_period()
    try:
        grouping = parse_grouping(request.args, period)
    except PeriodError as error:
        abort(400, str(error))
    sums = summary(period, grouping)
    if name == "products":
        svg = sales_per_product_chart(sums.products)
    else:
        buckets = sums.buckets
        currencies = sorted({c for bucket in buckets for c in bucket.charged}) or ["usd"]
        draw = net_revenue_chart if name == "net" else refund_rate_chart
        svg = draw(buckets, currencies)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP
    return response


@bp.get("/conversion")
def conversion_page():
    period = requested_period()
    return render_template(
        "admin/conversion.html",
        period=period,
        presets=PRESETS,
        grouping=None,
        report=conversion(period),
        query=request.args.to_dict(),
    )
