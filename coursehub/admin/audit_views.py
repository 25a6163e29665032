"""The audit log: read-only, newest first, filterable by action, actor and object."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import func, select

from coursehub.admin import bp
from coursehub.core.audit import AuditEntry
from coursehub.core.extensions import db

PAGE_SIZE = 100
TARGET_TYPES = ("order", "user")


@bp.get("/audit")
def audit():
    query = select(AuditEntry)
    action = request.args.get("action", "").strip()[:40]
    actor = request.args.get("actor", "").strip()[:255]
    target_type = request.args.get("target_type", "")
    target_id = request.args.get("target_id", "")
    if "\x00" in action + actor:
        abort(400, "The filter can't contain a NUL character.")
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor.contains(actor, autoescape=True))
    if target_type:
        if target_type not in TARGET_TYPES or not target_id.isdigit() or len(target_id) > 9:
            abort(400, "Name the object as target_type=order|user and a numeric target_id.")
        query = query.where(AuditEntry.target_type == target_type, AuditEntry.target_id == int(target_id))
    entries = db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE)).all()
    actions = db.session.scalars(
        select(AuditEntry.action).group_by(AuditEntry.action).order_by(func.min(AuditEntry.action))
    ).all()
    return render_template("admin/audit.html", entries=entries, actions=actions, filters=request.args)
