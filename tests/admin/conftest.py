"""The back office runs against the Stripe stand-in, with the billing tests' fixtures."""

import pytest

from coursehub.accounts.models import Role
from tests.billing.conftest import app_settings, course, shop, stripe_fake  # noqa: F401 - shared fixtures
from tests.factories import make_user
from tests.helpers import AuthActions, ServerClient


@pytest.fixture
def admin(app):
    return make_user(app, role=Role.ADMIN, display_name="Ada Admin")


@pytest.fixture
def admin_client(app, admin):
    """A second browser, signed in as the admin, beside the buyer's ``client``."""
    client = ServerClient(app, app.response_class, use_cookies=True)
    assert AuthActions(client).login(admin.email, admin.password).status_code == 302
    return client
