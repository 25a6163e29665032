"""The CSV downloads."""

from flask import Response, stream_with_context

from coursehub.admin import bp
from coursehub.admin.exports import ledger_csv, orders_csv
from coursehub.admin.views import requested_period


def _download(lines, name: str) -> Response:
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/orders.csv")
def orders_export():
    period = requested_period()
    return _download(orders_csv(period), f"orders-{period.first_day}-{period.last_day}.csv")


@bp.get("/ledger.csv")
def ledger_export():
    period = requested_period()
    return _download(ledger_csv(period), f"ledger-{period.first_day}-{period.last_day}.csv")
