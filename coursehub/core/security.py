"""Security headers on every response: one small hook instead of another dependency."""

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(video_base_url: str | None, stripe_api_base: str | None) -> str:
    """No inline script anywhere: every script is a file under /static, so XSS in content cannot run.

    form-action also covers where a form's redirect leads, so Buy (303 to Stripe's checkout page) needs
    Stripe's origin there, or the local stand-in's in the offline demo.
    """
    media = "media-src 'self'"
    if video_base_url:
        media += f" {_origin(video_base_url)}"
    checkout = _origin(stripe_api_base) if stripe_api_base else "https://checkout.stripe.com"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            media,
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action 'self' {checkout}",
            "frame-ancestors 'none'",
        )
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["coursehub.csp"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if current_app.config["COURSEHUB_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if _is_personal(response):
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def _is_personal(response: Response) -> bool:
    """Anything answered to a signed-in person, or changing the session cookie (log-out, a new CSRF
    token), is theirs alone: no cache keeps it.

    A shared or back-button cache would otherwise show a dashboard or lesson after log-out, or to the
    next person on a shared computer. Static files are the same for everyone.
    """
    if request.endpoint == "static":
        return False
    return "_user_id" in session or session.modified or "Set-Cookie" in response.headers


def register_security_headers(app: Flask) -> None:
    app.extensions["coursehub.csp"] = content_security_policy(
        app.config["VIDEO_BASE_URL"], app.config["STRIPE_API_BASE"]
    )
    app.after_request(_add_headers)
