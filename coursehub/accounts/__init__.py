"""Accounts: sign up, email verification, log in and out, password reset, account settings."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
