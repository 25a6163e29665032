"""Stripe's bracket form encoding, as stripe-python sends it."""

from __future__ import annotations

import pytest

from coursehub.stripe_fake.errors import StripeError
from coursehub.stripe_fake.forms import Params, parse_nested


def test_brackets_become_nested_dicts_and_indexed_lists():
    parsed = parse_nested(
        [
            ("mode", "payment"),
            ("line_items[0][price_data][product_data][metadata][course_slug]", "pb"),
            ("line_items[0][quantity]", "1"),
            ("line_items[1][quantity]", "2"),
            ("expand[0]", "line_items"),
            ("expand[1]", "payment_intent"),
            ("types[]", "a"),
            ("types[]", "b"),
        ]
    )
    assert parsed == {
        "mode": "payment",
        "line_items": [
            {"price_data": {"product_data": {"metadata": {"course_slug": "pb"}}}, "quantity": "1"},
            {"quantity": "2"},
        ],
        "expand": ["line_items", "payment_intent"],
        "types": ["a", "b"],
    }


def test_list_order_follows_the_index_not_the_wire_order():
    assert parse_nested([("a[10]", "ten"), ("a[2]", "two")]) == {"a": ["two", "ten"]}


@pytest.mark.parametrize("pairs", [[("a]", "1")], [("a", "1"), ("a[b]", "2")], [("a[b]", "1"), ("a", "2")]])
def test_malformed_keys_are_invalid_requests(pairs):
    with pytest.raises(StripeError) as raised:
        parse_nested(pairs)
    assert raised.value.status == 400


def test_params_name_nested_errors_and_refuse_unknown_keys():
    params = Params(parse_nested([("line_items[0][quantity]", "x"), ("surprise", "1")]))
    item = params.items("line_items")[0]
    with pytest.raises(StripeError) as raised:
        item.integer("quantity")
    assert raised.value.param == "line_items[0][quantity]"
    with pytest.raises(StripeError) as unknown:
        params.finish()
    assert unknown.value.param == "surprise" and unknown.value.code == "parameter_unknown"


def test_metadata_limits():
    too_long = Params(parse_nested([("metadata[" + "k" * 41 + "]", "v")]))
    with pytest.raises(StripeError):
        too_long.metadata()
    assert Params(parse_nested([("metadata[a]", "1"), ("metadata[b]", "")])).metadata() == {"a": "1"}
