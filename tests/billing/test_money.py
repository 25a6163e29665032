"""Amounts in minor units become major-unit strings exactly, whatever the currency's exponent."""

from hypothesis import given
from hypothesis import strategies as st

from coursehub.billing.money import decimal_string, exponent, to_major

# One currency of each exponent the table knows: none (yen), two (dollars), three (dinar).
CURRENCIES = ("jpy", "usd", "kwd")


@given(minor=st.integers(min_value=-(10**15), max_value=10**15), currency=st.sampled_from(CURRENCIES))
def test_the_decimal_string_is_the_major_amount_as_decimal_writes_it(minor, currency):
    assert decimal_string(minor, currency) == str(to_major(minor, currency))


def test_examples_a_spreadsheet_reads():
    assert [exponent(c) for c in CURRENCIES] == [0, 2, 3]
    assert decimal_string(1250, "usd") == "12.50"
    assert decimal_string(-5, "usd") == "-0.05"
    assert decimal_string(0, "usd") == "0.00"
    assert decimal_string(1250, "jpy") == "1250"
    assert decimal_string(-12500, "kwd") == "-12.500"
