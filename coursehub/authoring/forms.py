"""The studio's forms. Flask-WTF checks the CSRF token; the content rules are the importer's."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput


class LessonForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=200)])
    slug = StringField(
        "Slug", validators=[Length(max=80)], description="The lesson's identity in its course and its URL."
    )
    preview = BooleanField("Free preview: anyone can watch this lesson")
    routine = TextAreaField(
        "Practice routine",
        validators=[Length(max=5000)],
        description="One step per line: exercise | side (left, right, both, each) | repetitions | hold (s)",
    )
    body = TextAreaField("Lesson text (Markdown)", validators=[Length(max=100_000)])
    note = StringField("What did you change?", validators=[Length(max=300)])
    requires_rewatch = BooleanField(
        "Requires re-watch: learners who finished this lesson must finish it again"
    )
    # The version the author started from: the optimistic check against someone else's save.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])


class RestoreForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class ModuleForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=2000)])
    drip_days = IntegerField(
        "Opens this many days after enrolment",
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=3650)],
    )


class QuizForm(FlaskForm):
    text = TextAreaField("quiz.toml", validators=[Length(max=200_000)])


class MoveForm(FlaskForm):
    direction = StringField(validators=[InputRequired()])


class VideoForm(FlaskForm):
    video = FileField("Video (MP4)", validators=[FileRequired("Choose an MP4 file to upload.")])


class CaptionsForm(FlaskForm):
    captions = FileField("Captions (WebVTT)", validators=[FileRequired("Choose a .vtt file to upload.")])


SLUG_HINT = "Lowercase words joined by hyphens; it is the identity in URLs and in the course files."


class CourseSettingsForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=200)])
    subtitle = StringField("Subtitle", validators=[Length(max=300)])
    summary = TextAreaField("Summary", validators=[Length(max=5000)])
    price = DecimalField(
        "Price (in the course's currency, e.g. 49.00)",
        places=2,
        validators=[Optional(), NumberRange(min=0, max=100_000)],
    )


class NewCourseForm(CourseSettingsForm):
    slug = StringField("Slug", validators=[Length(max=80)], description=SLUG_HINT)
    access = SelectField("Access (paid or free)", choices=["paid", "free"])
    currency = StringField("Currency", default="usd", validators=[Length(max=3)])


class NewModuleForm(FlaskForm):
    slug = StringField("Slug", validators=[Length(max=80)], description=SLUG_HINT)
    title = StringField("Title", validators=[Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=2000)])


class NewLessonForm(FlaskForm):
    slug = StringField("Slug", validators=[Length(max=80)], description=SLUG_HINT)
    title = StringField("Title", validators=[Length(max=200)])
    body = TextAreaField("Lesson text (Markdown)", validators=[Length(max=100_000)])
