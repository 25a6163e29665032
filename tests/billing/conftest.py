"""Billing tests run the app against the Stripe stand-in through the real SDK."""

import pytest

from coursehub.stripe_fake import FakeStripe
from tests.billing.shop import API_KEY, WEBHOOK_SECRET, Shop
from tests.factories import make_course, make_product


@pytest.fixture(scope="session")
def stripe_fake():
    with FakeStripe(API_KEY, webhook_secret=WEBHOOK_SECRET, deliver=False, production=False) as fake:
        yield fake


@pytest.fixture
def app_settings(stripe_fake):
    return {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_API_BASE": stripe_fake.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


@pytest.fixture
def shop(stripe_fake, client):
    shop = Shop(stripe_fake, client)
    shop.control("POST", "reset")
    return shop


@pytest.fixture
def course(app):
    """A paid course on sale for $49."""
    course = make_course(app, preview=(), title="Pelvic Basics")
    make_product(app, [course], slug=course.slug, price=4900)
    return course
