"""The admin in the browser: finds an order by the buyer's email, refunds part of it, sees the ledger, the
dashboard and the audit log change; the learner keeps access until the rest is refunded."""

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from coursehub.accounts.models import Role
from coursehub.accounts.services import create_user
from coursehub.core.extensions import db

pytestmark = pytest.mark.browser
COURSE = "/courses/healing-the-hidden-root-of-pain"
PAID_LESSON = f"{COURSE}/lessons/why-sitting-shortens-the-hip-flexors"
PASSWORD = "a long enough password"


def account(live_server, role: Role = Role.LEARNER) -> str:
    email = f"{role.value}-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        create_user(email, "Robin", PASSWORD, role=role, verified=True)
        db.session.commit()
    return email


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(re.compile(r"Welcome (back|to CourseHub), Robin\."))).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


def figure(page: Page, key: str) -> Decimal:
    page.goto("/admin/?period=today")
    return Decimal(page.locator(f'#figures-usd tr[data-figure="{key}"] td').first.inner_text().lstrip("$"))


def refund(page: Page, amount: str, reason: str, expect_remaining: str) -> None:
    page.get_by_label("Amount to refund").fill(amount)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Review the refund").click()
    expect(page.locator("#remaining")).to_have_text(expect_remaining)
    page.get_by_role("button", name="Refund").click()
    expect(page.get_by_text("Refund requested for order")).to_be_visible()


def test_the_admin_refunds_part_then_the_rest_of_an_order(page: Page, live_server):
    buyer, admin = account(live_server), account(live_server, Role.ADMIN)
    log_in(page, buyer)
    page.goto(COURSE)
    page.get_by_role("button", name="Buy for $59").click()
    page.locator("#pay").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is yours")
    log_out(page)

    log_in(page, admin)
    refunds_before = figure(page, "refunds")
    page.goto("/admin/orders")
    page.get_by_label("Buyer email").fill(buyer)
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 order.")).to_be_visible()
    page.locator("#orders a").first.click()
    expect(page.locator("#order-status")).to_have_text("paid")
    refund(page, "20", "the hip course overlapped", "$59")
    expect(page.locator("#order-status")).to_have_text("partially refunded")
    expect(page.locator("#ledger")).to_contain_text("-$20")
    assert figure(page, "refunds") == refunds_before + 20
    page.goto("/admin/audit")
    expect(page.locator("#audit")).to_contain_text("the hip course overlapped")
    log_out(page)

    log_in(page, buyer)
    assert page.goto(PAID_LESSON).status == 200
    log_out(page)

    log_in(page, admin)
    page.goto("/admin/orders")
    page.get_by_label("Buyer email").fill(buyer)
    page.get_by_role("button", name="Filter").click()
    page.locator("#orders a").first.click()
    refund(page, "", "asked for the rest back", "$39")
    expect(page.locator("#order-status")).to_have_text("refunded")
    log_out(page)

    log_in(page, buyer)
    assert page.goto(PAID_LESSON).status == 403
