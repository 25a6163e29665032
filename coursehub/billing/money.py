"""Money as integer minor units, with each currency's exponent from a table (ISO 4217).

Never assume two decimals: the yen has none and the dinar three. Amounts are never floats.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

# Currencies whose minor unit is not a hundredth (Stripe's list of zero- and three-decimal currencies).
EXPONENTS = {
    **dict.fromkeys(
        (
            "bif",
            "clp",
            "djf",
            "gnf",
            "jpy",
            "kmf",
            "krw",
            "mga",
            "pyg",
            "rwf",
            "ugx",
            "vnd",
            "vuv",
            "xaf",
            "xof",
            "xpf",
        ),
        0,
    ),
    **dict.fromkeys(("bhd", "jod", "kwd", "omr", "tnd"), 3),
}
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}


class AmountError(ValueError):
    """An amount typed by a person that is not a valid amount of the currency."""


@cache
def exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has (2 unless the table says otherwise)."""
    return EXPONENTS.get(currency.lower(), 2)


def to_major(minor: int, currency: str) -> Decimal:
    """1250 usd -> Decimal('12.50'); 1250 jpy -> Decimal('1250')."""
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def decimal_string(minor: int, currency: str) -> str:
    """The amount in major units as a plain decimal string, as a spreadsheet reads it: '-12.50'.

    ``str(to_major(...))`` by integer arithmetic: the ledger export writes two per line, and Decimal's
    quantize made them a third of its time.
    """
    places = exponent(currency)
    if not places:
        return str(minor)
    whole, fraction = divmod(abs(minor), 10**places)
    return f"{'-' if minor < 0 else ''}{whole}.{fraction:0{places}d}"


def format_price(minor: int, currency: str) -> str:
    """For people: '$49', '$12.50', '¥1250', '12.500 KWD'. Whole amounts drop their zeros."""
    major = to_major(minor, currency)
    places = exponent(currency)
    text = str(major.quantize(Decimal(1))) if places and major == major.to_integral_value() else str(major)
    if text.startswith("-"):
        return "-" + format_price(-minor, currency)
    symbol = SYMBOLS.get(currency.lower())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def parse_amount(text: str, currency: str) -> int:
    """'12.50' usd -> 1250: a positive amount with no more decimals than the currency has.

    :raise AmountError: with a message that says what to type instead.
    """
    places = exponent(currency)
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        example = decimal_string(1250, currency)
        raise AmountError(f"{text!r} is not an amount; write it like {example}") from None
    if not value.is_finite() or value <= 0:
        raise AmountError(f"{text!r} must be positive")
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        allowed = {0: "no", 2: "at most two", 3: "at most three"}.get(places, f"at most {places}")
        raise AmountError(f"{text!r} must be positive with {allowed} decimals ({currency.upper()})")
    return int(minor)
