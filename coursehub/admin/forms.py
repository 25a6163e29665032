"""The admin's forms: every one carries a CSRF token, and every action a reason for the audit log."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RefundForm(FlaskForm):
    """``nonce`` is rendered once with the form and is the refund's idempotency key: a double submit,
    a retried POST or a second tab with the same form refund once."""

    amount = StringField(
        "Amount to refund (empty: all that remains)", validators=[Optional(), Length(max=20)]
    )
    reason = TextAreaField("Reason", validators=[DataRequired(message="Give a reason."), Length(max=500)])
    nonce = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    step = HiddenField()  # "refund" once the admin has seen what remains refundable


class AccessForm(FlaskForm):
    """Grant or revoke one course by hand; the reason is kept with the access and in the audit log."""

    course = SelectField("Course", validators=[DataRequired()])
    reason = StringField("Reason", validators=[DataRequired(message="Give a reason."), Length(max=300)])


class ReasonForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(message="Give a reason."), Length(max=500)])
