"""Accounts: sign up, email verification, log in and out, password reset, account settings."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from coursehub.accounts import login, views  # noqa: E402, F401 - registers loaders and routes
