"""Account pages. Each view validates, calls one service, commits once, and answers."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from coursehub.accounts import bp, services, tokens
from coursehub.accounts.forms import (
    ChangeEmailForm,
    ChangeNameForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignUpForm,
)
from coursehub.accounts.sessions import end_session, live_sessions, start_session
from coursehub.core.extensions import db, limiter
from coursehub.core.requests import safe_next

RESET_SENT = "If an account uses that address, a reset link is on its way. It works once and for one hour."


def _form_email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()


def _form_was_refused(response) -> bool:
    """A refused form is shown again (200); a success redirects. Only refusals count to the limit."""
    return response.status_code == 200


def _log_in(user, remember: bool = False) -> None:
    """Start a recorded session (committed by the caller) and hand its token to Flask-Login."""
    session.clear()  # a new session id on log in, so a planted session can't be taken over
    start_session(user, request.headers.get("User-Agent", ""))
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("catalog.index"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            services.sign_up(form.email.data, form.display_name.data, form.password.data, next_url)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            return render_template(
                "accounts/check_inbox.html", email=form.email.data.strip(), next_url=next_url
            )
    return render_template("accounts/signup.html", form=form, next_url=next_url)


@bp.get("/verify-email/<token>")
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except tokens.ExpiredToken:
        flash("That confirmation link has expired. Log in and we'll send you a new one.", "error")
        return redirect(url_for("accounts.login"))
    except (tokens.InvalidToken, services.AccountError) as error:
        message = (
            error.message
            if isinstance(error, services.AccountError)
            else ("That confirmation link is not valid. Use the newest link we sent you.")
        )
        flash(message, "error")
        return redirect(url_for("catalog.index"))
    db.session.commit()
    flash(f"Thank you: {user.email} is confirmed.", "success")
    next_url = services.next_after_verification(token)
    if current_user.is_authenticated:
        return redirect(next_url or url_for("catalog.index"))
    return redirect(url_for("accounts.login", next=next_url) if next_url else url_for("accounts.login"))


@bp.post("/verify-email/resend")
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    if current_user.is_verified:
        flash("Your email is already confirmed.", "info")
    else:
        services.send_verification(current_user)
        db.session.commit()
        flash(f"We sent a new confirmation link to {current_user.email}.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("catalog.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"], deduct_when=_form_was_refused)
@limiter.limit("20 per hour", methods=["POST"], key_func=_form_email_key, deduct_when=_form_was_refused)
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("catalog.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as error:
            return _refused_login(form, error, next_url)
        if user is not None:
            _log_in(user, remember=form.remember.data)
            greeting = "Welcome to CourseHub" if user.first_login else "Welcome back"
            flash(f"{greeting}, {user.display_name}.", "success")
            db.session.commit()
            return redirect(next_url or url_for("catalog.index"))
        form.password.errors.append("That email and password don't match an account.")
    return render_template("accounts/login.html", form=form, next_url=next_url)


def _refused_login(form, error: services.AccountError, next_url: str | None):
    form.password.errors.append(error.message)
    return render_template("accounts/login.html", form=form, next_url=next_url), 403


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(current_user.current_session)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("catalog.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_form_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(RESET_SENT, "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except tokens.ExpiredToken:
        flash("That reset link has expired. Ask for a new one below.", "error")
        return redirect(url_for("accounts.forgot_password"))
    except tokens.InvalidToken:
        flash("That reset link is not valid or has already been used. Ask for a new one below.", "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash("Your password is changed. Log in with the new one.", "success")
            return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset_password.html", form=form, token=token)


@bp.get("/account")
@login_required
def account():
    return render_template("accounts/account.html", sessions=live_sessions(current_user))


@bp.route("/account/name", methods=["GET", "POST"])
@login_required
def change_name():
    form = ChangeNameForm(display_name=current_user.display_name)
    if form.validate_on_submit():
        try:
            services.change_display_name(current_user, form.display_name.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash("Your name is changed. Certificates issued from now on carry it.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_name.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            _log_in(current_user._get_current_object())  # other devices are now logged out
            db.session.commit()
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            new_email = services.request_email_change(current_user, form.password.data, form.email.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(
                f"We sent a confirmation link to {new_email}. Your email changes when you follow it.", "info"
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_email.html", form=form)


def _show_error(form, error: services.AccountError) -> None:
    field = getattr(form, error.field, None) or form.email
    field.errors.append(error.message)
