"""Forms of the practice pages; every one carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coursehub.practice.models import MAX_NOTE_LENGTH, REGION_LABELS, WEEKDAYS, Context

REGION_CHOICES = [SelectChoice(region.value, label) for region, label in REGION_LABELS.items()]
CONTEXT_CHOICES = [SelectChoice(context.value, context.label) for context in Context]


class CsrfForm(FlaskForm):
    """A button's form: nothing but the CSRF token."""


class ScreeningForm(FlaskForm):
    """The yes/no answers are read from the request by question id; this form holds the consent."""

    consent = BooleanField("I have read the disclaimer and agree to practise on these terms")


class SettingsForm(FlaskForm):
    time_zone = StringField("Your time zone", validators=[DataRequired(), Length(max=64)])
    days = SelectMultipleField(
        "Practice days",
        choices=[SelectChoice(str(day), name) for day, name in enumerate(WEEKDAYS)],
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    outcomes_opt_in = BooleanField("Share my pain and practice figures, anonymised, with the course author")


class JournalForm(FlaskForm):
    score = IntegerField(
        "Pain now, from 0 (none) to 10 (worst imaginable)",
        validators=[
            InputRequired("Give a pain score from 0 to 10."),
            NumberRange(0, 10, "Pain is from 0 to 10."),
        ],
    )
    region = SelectField("Where", choices=REGION_CHOICES)
    context = SelectField("When", choices=CONTEXT_CHOICES)
    noted_at = DateTimeLocalField("Date and time", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    note = TextAreaField(
        "Note (optional)",
        validators=[
            Optional(),
            Length(max=MAX_NOTE_LENGTH, message=f"A note can be at most {MAX_NOTE_LENGTH} characters."),
        ],
    )


class QuickPainForm(FlaskForm):
    """The short, optional entry before or after a session: a score and where."""

    score = IntegerField(
        "Pain now, from 0 to 10 (optional)",
        validators=[Optional(), NumberRange(0, 10, "Pain is from 0 to 10.")],
    )
    region = SelectField("Where", choices=REGION_CHOICES)


class RepsForm(FlaskForm):
    reps = IntegerField("Repetitions", validators=[InputRequired(), NumberRange(1, 100)])
