from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coursehub.core import bp
from coursehub.core.errors import json_error
from coursehub.core.extensions import db, limiter


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """For load balancers and monitors: 200 when the app can reach its database, 503 when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return json_error(503, "database_unavailable", "The database is not answering.")
    return jsonify(status="ok", database="ok")
