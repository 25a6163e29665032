"""A local stand-in for the parts of the Stripe HTTP API CourseHub uses, for tests, CI and the offline demo.

The app keeps using the real stripe-python SDK (``StripeClient(..., base_addresses={"api": fake.base_url})``)
and receives real signed webhooks that ``stripe.Webhook.construct_event`` verifies; nothing patches the
library. It binds to loopback only and refuses live keys and production configuration.
"""

from coursehub.stripe_fake.app import FakeStripeRefused, create_fake_app
from coursehub.stripe_fake.events import signature_header
from coursehub.stripe_fake.server import FakeStripe

__all__ = ["FakeStripe", "FakeStripeRefused", "create_fake_app", "signature_header"]
