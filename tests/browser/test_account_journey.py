"""A new learner's first minutes, in Debian's chromium: sign up, confirm by mail, log in, log out."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import links_in

pytestmark = pytest.mark.browser


def test_sign_up_verify_and_log_in(page: Page, smtp_controller):
    mailbox = smtp_controller.handler
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    password = "a long enough password"

    page.goto("/")
    page.get_by_role("link", name="Sign up", exact=True).click()
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    [message] = mailbox.wait_for(email)
    [link] = [url for url in links_in(message) if "/verify-email/" in url]
    page.goto(link)
    expect(page.get_by_text(f"Thank you: {email} is confirmed.")).to_be_visible()

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome to CourseHub, Ada.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Ada")
    expect(page.get_by_text("Please confirm your email")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_the_skip_link_is_the_first_stop_for_keyboard_users(page: Page):
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#main")


def test_a_wrong_password_shows_a_message_beside_the_field(page: Page):
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    error = page.get_by_text("That email and password don't match an account.")
    expect(error).to_be_visible()
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
