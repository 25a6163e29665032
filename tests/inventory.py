"""Every route of the app, classified, with a small world of data to request it against.

Adding a route? Add its endpoint to ``ROUTES`` with its kind; add a ``SAMPLE_ARGS`` entry when its URL
has an argument name not listed yet, and an ``EXPECTED_GET`` entry when its data makes a role's answer
differ from its kind's default (``KIND_GET``). The inventory test fails for an unclassified route.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from coursehub.accounts.models import Role, User
from coursehub.content.models import Course, Quiz
from coursehub.core.extensions import db
from coursehub.learning.certificates import issue_certificate
from coursehub.quizzes.services import start_attempt
from tests.factories import UserRecord, grant, make_course, make_quiz, make_user


class Kind(enum.StrEnum):
    PUBLIC = "public"  # anyone; what it shows may depend on the data (EXPECTED_GET)
    LEARNER = "learner"  # signed in; a learner's own things
    AUTHOR = "author"  # authors and admins
    ADMIN = "admin"  # admins only
    WEBHOOK = "webhook"  # no session: a signature on the body
    MEDIA = "media"  # no session needed: a signed, expiring URL


ACTORS = ("visitor", "owner", "other", "author", "admin")

ROUTES: dict[str, Kind] = {
    "static": Kind.PUBLIC,
    "core.healthz": Kind.PUBLIC,
    "catalog.index": Kind.PUBLIC,
    "catalog.course": Kind.PUBLIC,
    "catalog.disclaimer": Kind.PUBLIC,
    "accounts.signup": Kind.PUBLIC,
    "accounts.login": Kind.PUBLIC,
    "accounts.logout": Kind.PUBLIC,
    "accounts.forgot_password": Kind.PUBLIC,
    "accounts.reset_password": Kind.PUBLIC,
    "accounts.verify_email": Kind.PUBLIC,
    "learning.lesson": Kind.PUBLIC,
    "learning.certificate_public": Kind.PUBLIC,
    "accounts.account": Kind.LEARNER,
    "accounts.change_email": Kind.LEARNER,
    "accounts.change_password": Kind.LEARNER,
    "accounts.resend_verification": Kind.LEARNER,
    "accounts.end_other_session": Kind.LEARNER,
    "accounts.end_other_sessions": Kind.LEARNER,
    "accounts.export_data": Kind.LEARNER,
    "accounts.mail_preferences": Kind.LEARNER,
    "accounts.change_name": Kind.LEARNER,
    "billing.purchases": Kind.LEARNER,
    "billing.receipt": Kind.LEARNER,
    "catalog.courses": Kind.PUBLIC,
    "learning.finished": Kind.LEARNER,
    "learning.claim_certificate": Kind.LEARNER,
    "accounts.unsubscribe": Kind.PUBLIC,
    "accounts.delete": Kind.LEARNER,
    "learning.dashboard": Kind.LEARNER,
    "learning.start": Kind.LEARNER,
    "learning.mark_complete": Kind.LEARNER,
    "learning.report_progress": Kind.LEARNER,
    "learning.certificate_pdf": Kind.LEARNER,
    "quizzes.quiz": Kind.LEARNER,
    "quizzes.start": Kind.LEARNER,
    "quizzes.attempt": Kind.LEARNER,
    "quizzes.submit": Kind.LEARNER,
    "billing.checkout": Kind.LEARNER,
    "billing.checkout_bundle": Kind.LEARNER,
    "billing.success": Kind.LEARNER,
    "billing.cancelled": Kind.LEARNER,
    "billing.stripe_webhook": Kind.WEBHOOK,
    "practice.after": Kind.LEARNER,
    "practice.chart": Kind.LEARNER,
    "practice.export_json": Kind.LEARNER,
    "practice.export_kind_csv": Kind.LEARNER,
    "practice.feed_new": Kind.LEARNER,
    "practice.feed_revoke": Kind.LEARNER,
    "practice.finish": Kind.LEARNER,
    "practice.home": Kind.LEARNER,
    "practice.journal": Kind.LEARNER,
    "practice.journal_delete": Kind.LEARNER,
    "practice.progress": Kind.LEARNER,
    "practice.routine": Kind.LEARNER,
    "practice.routine_add": Kind.LEARNER,
    "practice.routine_move": Kind.LEARNER,
    "practice.routine_pdf": Kind.LEARNER,
    "practice.routine_remove": Kind.LEARNER,
    "practice.routine_reps": Kind.LEARNER,
    "practice.run": Kind.LEARNER,
    "practice.screening": Kind.LEARNER,
    "practice.settings": Kind.LEARNER,
    "practice.start": Kind.LEARNER,
    "practice.stopped": Kind.LEARNER,
    "practice.feed": Kind.PUBLIC,
    "practice.outcomes": Kind.AUTHOR,
    "authoring.course_settings": Kind.AUTHOR,
    "authoring.edit_lesson": Kind.AUTHOR,
    "authoring.edit_module": Kind.AUTHOR,
    "authoring.edit_quiz": Kind.AUTHOR,
    "authoring.home": Kind.AUTHOR,
    "authoring.insights": Kind.AUTHOR,
    "authoring.lesson_history": Kind.AUTHOR,
    "authoring.move_lesson_view": Kind.AUTHOR,
    "authoring.move_module_view": Kind.AUTHOR,
    "authoring.new_course": Kind.AUTHOR,
    "authoring.new_lesson": Kind.AUTHOR,
    "authoring.new_module": Kind.AUTHOR,
    "authoring.order_lessons_view": Kind.AUTHOR,
    "authoring.preview_markdown": Kind.AUTHOR,
    "authoring.publish_course": Kind.AUTHOR,
    "authoring.publish_view": Kind.AUTHOR,
    "authoring.restore_lesson": Kind.AUTHOR,
    "authoring.save_lesson_view": Kind.AUTHOR,
    "authoring.schedule_course": Kind.AUTHOR,
    "authoring.schedule_view": Kind.AUTHOR,
    "authoring.unpublish_course": Kind.AUTHOR,
    "authoring.unpublish_view": Kind.AUTHOR,
    "authoring.upload_captions": Kind.AUTHOR,
    "authoring.upload_video": Kind.AUTHOR,
    "learning.media": Kind.MEDIA,
    "admin.dashboard": Kind.ADMIN,
    "admin.chart": Kind.ADMIN,
    "admin.orders": Kind.ADMIN,
    "admin.order": Kind.ADMIN,
    "admin.refund": Kind.ADMIN,
    "admin.audit": Kind.ADMIN,
    "admin.orders_export": Kind.ADMIN,
    "admin.ledger_export": Kind.ADMIN,
    "admin.learners": Kind.ADMIN,
    "admin.conversion_page": Kind.ADMIN,
    "admin.learner": Kind.ADMIN,
    "admin.change_access": Kind.ADMIN,
    "admin.resend_learner_verification": Kind.ADMIN,
    "admin.change_account": Kind.ADMIN,
}

# The answer to a GET by kind: visitors of private pages are sent to log in ("login").
KIND_GET: dict[Kind, dict[str, int | str]] = {
    Kind.PUBLIC: dict.fromkeys(ACTORS, 200),
    Kind.LEARNER: {"visitor": "login", "owner": 200, "other": 200, "author": 200, "admin": 200},
    Kind.AUTHOR: {"visitor": "login", "owner": 403, "other": 403, "author": 200, "admin": 200},
    Kind.ADMIN: {"visitor": "login", "owner": 403, "other": 403, "author": 403, "admin": 200},
    Kind.MEDIA: dict.fromkeys(ACTORS, 403),  # requested without a signature
}
# Where the world's data changes a GET's answer from its kind's default.
EXPECTED_GET: dict[str, dict[str, int | str]] = {
    # The paid lesson: its owner and staff read it; everyone else gets the locked page.
    "learning.lesson": {"visitor": 403, "owner": 200, "other": 403, "author": 200, "admin": 200},
    # Signed-in people are sent on from the log-in and sign-up forms.
    "accounts.login": {**dict.fromkeys(ACTORS, 302), "visitor": 200},
    "accounts.signup": {**dict.fromkeys(ACTORS, 302), "visitor": 200},
    # A made-up token: sent on to ask for a new link.
    "accounts.reset_password": dict.fromkeys(ACTORS, 302),
    "accounts.verify_email": dict.fromkeys(ACTORS, 302),
    "accounts.unsubscribe": dict.fromkeys(ACTORS, 400),  # a made-up token: refused with a message
    "quizzes.quiz": {"visitor": "login", "owner": 200, "other": 403, "author": 200, "admin": 200},
    # The owner's attempt: nobody else's, not even staff's.
    "quizzes.attempt": {"visitor": "login", "owner": 200, "other": 403, "author": 404, "admin": 404},
    "learning.certificate_pdf": {"visitor": "login", "owner": 200, "other": 403, "author": 200, "admin": 200},
    "billing.receipt": {"visitor": "login", **dict.fromkeys(ACTORS[1:], 404)},
    "practice.feed": dict.fromkeys(ACTORS, 404),  # a made-up calendar token opens nothing
    # Practice session 1 doesn't exist in this world: nobody's, so a 404 for everyone signed in.
    **{
        f"practice.{name}": {"visitor": "login", **dict.fromkeys(ACTORS[1:], 404)}
        for name in ("after", "run", "stopped")
    },
    # The sample kind ("video", for media links) is no export's kind (tests/practice/test_downloads.py).
    "practice.export_kind_csv": {"visitor": "login", **dict.fromkeys(ACTORS[1:], 404)},
    "practice.chart": {"visitor": "login", **dict.fromkeys(ACTORS[1:], 404)},
    # The finish page of the paid course: for those who may open it.
    "learning.finished": {"visitor": "login", "owner": 200, "other": 403, "author": 200, "admin": 200},
    "billing.success": {"visitor": "login", "owner": 404, "other": 404, "author": 404, "admin": 404},
    "billing.cancelled": {"visitor": "login", "owner": 302, "other": 302, "author": 302, "admin": 302},
    # The world has no orders: the admin gets "not found", everyone else no further than the door.
    "admin.order": {"visitor": "login", "owner": 403, "other": 403, "author": 403, "admin": 404},
}
# Who may see the paid lesson's sentence, and where; nobody else, on any page.
SECRET_READERS = {("learning.lesson", actor) for actor in ("owner", "author", "admin")} | {
    (endpoint, actor)  # the studio edits the lesson's text
    for endpoint in ("authoring.edit_lesson",)
    for actor in ("author", "admin")
}
SECRET = "The iliopsoas hides behind the gut like a cable behind a cupboard"


@dataclass(frozen=True)
class World:
    users: dict[str, UserRecord]
    args: dict[str, str]


SAMPLE_ARGS_FIXED = {
    "token": "sample-token",
    "filename": "css/site.css",
    "kind": "video",
    "module_slug": "module-1",
    "bundle_slug": "no-such-bundle",
    "number": "1",
    "order_id": "1",  # nobody's order: every receipt URL of it is a 404
    "item_id": "1",
    "name": "net",  # an admin chart's name; no practice chart has it (404)
    "verb": "grant",
}


def build_world(app) -> World:
    """A paid course with a secret sentence, its owner (a grant, a quiz attempt, a certificate), another
    learner, an author and an admin."""
    users = {
        "owner": make_user(app, display_name="Owner Learner"),
        "other": make_user(app, display_name="Other Learner"),
        "author": make_user(app, role=Role.AUTHOR),
        "admin": make_user(app, role=Role.ADMIN),
    }
    course = make_course(app, lessons=2, preview=(), body=SECRET)
    make_quiz(app, course)
    grant(app, users["owner"], course, enroll=True)
    with app.app_context():
        owner = db.session.get(User, users["owner"].id)
        quiz = db.session.query(Quiz).one()
        attempt_id = start_attempt(owner, quiz).id
        code = issue_certificate(owner, db.session.get(Course, course.id)).code
        db.session.commit()
    args = {
        **SAMPLE_ARGS_FIXED,
        "slug": course.slug,
        "course_slug": course.slug,
        "lesson_slug": course.lesson_slugs[1],
        "lesson_id": str(course.lesson_ids[1]),
        "attempt_id": str(attempt_id),
        "code": code,
        "session_id": "1",
        "user_id": str(users["owner"].id),
    }
    return World(users, args)


def url_for_rule(rule, world: World) -> str:
    missing = sorted(set(rule.arguments) - set(world.args))
    assert not missing, f"{rule.endpoint}: add sample values for {missing} to tests/inventory.py"
    return rule.build({name: world.args[name] for name in rule.arguments})[1]


def routes(app, world: World, methods: set[str]):
    """(endpoint, url, method) for each rule and method, in a stable order."""
    found = [
        (rule.endpoint, url_for_rule(rule, world), method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & methods)
    ]
    return sorted(found)
