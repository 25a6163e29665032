"""The mail preference page and the unsubscribe link that works without logging in."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coursehub.accounts import bp, tokens
from coursehub.accounts.mail_preferences import set_course_news, user_for_unsubscribe, wants_course_news
from coursehub.core.extensions import csrf, db

PRIVATE = "private, no-store"


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def mail_preferences():
    if request.method == "POST":
        # The form posts through Flask-WTF's global CSRF check like every other form.
        set_course_news(current_user, request.form.get("course_news") == "1")
        db.session.commit()
        flash("Your mail preferences are saved.", "success")
        return redirect(url_for("accounts.mail_preferences"))
    response = make_response(
        render_template("accounts/mail_preferences.html", course_news=wants_course_news(current_user))
    )
    response.headers["Cache-Control"] = PRIVATE
    return response


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail programs POST here without a session; the signed token is the proof
def unsubscribe(token: str):
    """GET shows a confirm button (link scanners prefetch GETs); POST turns course news off."""
    try:
        user = user_for_unsubscribe(token)
    except tokens.InvalidToken:
        response = make_response(render_template("accounts/unsubscribe.html", done=False, invalid=True), 400)
        response.headers["Cache-Control"] = PRIVATE
        return response
    if request.method == "POST":
        set_course_news(user, False)
        db.session.commit()
    response = make_response(
        render_template("accounts/unsubscribe.html", done=request.method == "POST", invalid=False)
    )
    response.headers["Cache-Control"] = PRIVATE
    return response
