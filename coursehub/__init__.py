"""CourseHub: the backend of an online school for self-treatment of lower back pain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from coursehub.core.config import load_config
from coursehub.core.paths import STATIC_DIR, TEMPLATES_DIR


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Each step only registers things: nothing here migrates, prompts or calls out.

    :param config: settings that win over the environment (tests pass their database URL here).
    :raise coursehub.core.config.ConfigError: when the settings are unsafe or incomplete.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    load_config(app.config, config)
    register_logging(app)
    register_proxy_fix(app)
    register_request_checks(app)
    register_extensions(app)
    register_cache(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_personal_data(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    from coursehub.core.logs import register_logging as register

    register(app)


def register_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* only from as many proxies as the deployment says sit in front."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_request_checks(app: Flask) -> None:
    from coursehub.core.edge import register_request_checks as register

    register(app)


def register_extensions(app: Flask) -> None:
    import coursehub.models  # noqa: F401 - every table on the metadata before migrations look
    from coursehub.core.database import register_database
    from coursehub.core.extensions import csrf, limiter, login_manager

    register_database(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def register_cache(app: Flask) -> None:
    from coursehub.core.cache import register_cache as register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Import each feature's view modules (they attach routes to its blueprint), then register it."""
    from coursehub.accounts import bp as accounts_bp
    from coursehub.accounts import data_rights_views as _accounts_data_rights  # noqa: F401
    from coursehub.accounts import login as _accounts_login  # noqa: F401
    from coursehub.accounts import preference_views as _accounts_preferences  # noqa: F401
    from coursehub.accounts import session_views as _accounts_session_views  # noqa: F401
    from coursehub.accounts import views as _accounts_views  # noqa: F401
    from coursehub.admin import audit_views as _admin_audit_views  # noqa: F401
    from coursehub.admin import bp as admin_bp
    from coursehub.admin import export_views as _admin_export_views  # noqa: F401
    from coursehub.admin import learner_views as _admin_learner_views  # noqa: F401
    from coursehub.admin import order_views as _admin_order_views  # noqa: F401
    from coursehub.admin import views as _admin_views  # noqa: F401
    from coursehub.authoring import bp as authoring_bp
    from coursehub.authoring import creation_views as _authoring_creation  # noqa: F401
    from coursehub.authoring import lesson_views as _authoring_lessons  # noqa: F401
    from coursehub.authoring import media_views as _authoring_media  # noqa: F401
    from coursehub.authoring import structure_views as _authoring_structure  # noqa: F401
    from coursehub.authoring import views as _authoring_views  # noqa: F401
    from coursehub.billing import bp as billing_bp
    from coursehub.billing import views as _billing_views  # noqa: F401
    from coursehub.billing import webhook as _billing_webhook  # noqa: F401
    from coursehub.billing.stripe_client import register_stripe
    from coursehub.catalog import bp as catalog_bp
    from coursehub.catalog import views as _catalog_views  # noqa: F401
    from coursehub.catalog.offers import call_to_action
    from coursehub.catalog.visitor_cache import watch_catalog_rows
    from coursehub.content.outline import watch_outline_rows
    from coursehub.core import bp as core_bp
    from coursehub.core import views as _core_views  # noqa: F401
    from coursehub.learning import api as _learning_api  # noqa: F401
    from coursehub.learning import bp as learning_bp
    from coursehub.learning import certificate_views as _learning_certificates  # noqa: F401
    from coursehub.learning import media as _learning_media  # noqa: F401
    from coursehub.learning import quiz_views as _learning_quiz_views  # noqa: F401
    from coursehub.learning import views as _learning_views  # noqa: F401
    from coursehub.learning.offer_slot import set_offer_provider
    from coursehub.mail import register_mail
    from coursehub.practice import bp as practice_bp
    from coursehub.practice import download_views as _practice_downloads  # noqa: F401
    from coursehub.practice import journal_views as _practice_journal  # noqa: F401
    from coursehub.practice import report_views as _practice_reports  # noqa: F401
    from coursehub.practice import session_views as _practice_sessions  # noqa: F401
    from coursehub.practice import views as _practice_views  # noqa: F401
    from coursehub.quizzes import bp as quizzes_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(admin_bp)
    register_stripe(app)
    register_mail(app)
    set_offer_provider(app, call_to_action)
    watch_catalog_rows()
    watch_outline_rows()


def register_error_handlers(app: Flask) -> None:
    from coursehub.core.errors import register_error_handlers as register

    register(app)


def register_security_headers(app: Flask) -> None:
    from coursehub.core.security import register_security_headers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from coursehub.core.templating import register_template_helpers as register

    register(app)


def register_personal_data(app: Flask) -> None:
    """Each feature names what it holds about a learner, for the download and for account deletion."""
    from coursehub.billing import personal_data as billing_data
    from coursehub.learning import personal_data as learning_data
    from coursehub.practice import data_rights as practice_data
    from coursehub.quizzes import personal_data as quizzes_data

    for feature in (quizzes_data, learning_data, billing_data, practice_data):
        feature.register(app)


def register_cli(app: Flask) -> None:
    from coursehub.accounts.cli import users_cli
    from coursehub.billing.cli import orders_cli, stripe_cli
    from coursehub.catalog.cli import courses_cli
    from coursehub.core.backup import backup_cli
    from coursehub.demo.cli import demo_cli
    from coursehub.learning.cli import access_cli
    from coursehub.mail.cli import mail_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(access_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(stripe_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_cli)
