"""Stripe's form encoding: ``a[0][b][c]=v`` pairs in, nested dicts and lists out, read through ``Params``.

stripe-python sends every request body (and every GET query) this way, lists as ``key[0]``, ``key[1]``.
``Params`` reads typed values and remembers which keys it consumed, so a parameter the fake does not
implement is refused by name instead of being silently ignored (the fake must not hide a typo that real
Stripe would reject).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from coursehub.stripe_fake.errors import invalid, missing, unknown

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")
METADATA_MAX_KEYS = 50
METADATA_KEY_MAX = 40
METADATA_VALUE_MAX = 500


def parse_nested(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn ``[("a[0][b]", "1")]`` into ``{"a": [{"b": "1"}]}``; ``a[]`` appends, as some clients send."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise invalid(f"Invalid parameter name: {key}", key)
        parts = [match.group(1), *_PART.findall(match.group(2))]
        node = root
        for depth, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            last = depth == len(parts) - 1
            if last:
                if isinstance(node.get(part), dict):
                    raise invalid(f"Invalid parameter: {key} is both a value and a hash", key)
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise invalid(f"Invalid parameter: {key} is both a value and a hash", key)
                node = child
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


class Params:
    """Typed, path-aware access to one level of parsed parameters; errors name the full Stripe param."""

    def __init__(self, data: dict[str, Any], prefix: str = ""):
        if not isinstance(data, dict):
            raise invalid(f"Invalid hash: {prefix}", prefix or None)
        self.data = data
        self.prefix = prefix
        self.used: set[str] = set()
        self.children: list[Params] = []

    def name(self, key: str) -> str:
        return f"{self.prefix}[{key}]" if self.prefix else key

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str, required: bool = False, max_length: int = 5000) -> str | None:
        value = self.raw(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, str):
            raise invalid(f"Invalid string: {self.name(key)}", self.name(key))
        if len(value) > max_length:
            raise invalid(
                f"Invalid string: {self.name(key)} must be at most {max_length} characters",
                self.name(key),
                "string_length_exceeds_maximum",
            )
        return value

    def integer(self, key: str, required: bool = False, minimum: int | None = None) -> int | None:
        value = self.text(key, required)
        if value is None:
            return None
        if not re.fullmatch(r"-?\d+", value):
            raise invalid(f"Invalid integer: {value}", self.name(key), "parameter_invalid_integer")
        number = int(value)
        if minimum is not None and number < minimum:
            raise invalid(f"Invalid integer: {self.name(key)} must be at least {minimum}", self.name(key))
        return number

    def number(self, key: str) -> float | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            raise invalid(f"Invalid decimal: {value}", self.name(key)) from None

    def boolean(self, key: str) -> bool | None:
        value = self.text(key)
        if value is None:
            return None
        if value not in ("true", "false"):
            raise invalid(f"Invalid boolean: {value}", self.name(key))
        return value == "true"

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in allowed:
            raise invalid(f"Invalid {self.name(key)}: must be one of {', '.join(allowed)}", self.name(key))
        return value

    def child(self, key: str) -> Params | None:
        value = self.raw(key)
        if value is None or value == "":
            return None
        child = Params(value, self.name(key))
        self.children.append(child)
        return child

    def array(self, key: str) -> list[Any]:
        value = self.raw(key)
        if value is None or value == "":
            return []
        if isinstance(value, dict):
            raise invalid(f"Invalid array: {self.name(key)}", self.name(key))
        return value if isinstance(value, list) else [value]

    def items(self, key: str) -> list[Params]:
        """A list of hashes, such as ``line_items``, each with its own path prefix."""
        result = []
        for index, item in enumerate(self.array(key)):
            child = Params(item, f"{self.name(key)}[{index}]")
            self.children.append(child)
            result.append(child)
        return result

    def strings(self, key: str) -> list[str]:
        values = self.array(key)
        if not all(isinstance(value, str) for value in values):
            raise invalid(f"Invalid array of strings: {self.name(key)}", self.name(key))
        return values

    def metadata(self, key: str = "metadata") -> dict[str, str]:
        """Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500, strings only."""
        value = self.raw(key)
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            raise invalid(f"Invalid hash: {self.name(key)}", self.name(key))
        if len(value) > METADATA_MAX_KEYS:
            raise invalid(f"Invalid {self.name(key)}: at most {METADATA_MAX_KEYS} keys", self.name(key))
        for meta_key, meta_value in value.items():
            param = f"{self.name(key)}[{meta_key}]"
            if not isinstance(meta_value, str):
                raise invalid(f"Invalid string: {param}", param)
            if len(meta_key) > METADATA_KEY_MAX or len(meta_value) > METADATA_VALUE_MAX:
                raise invalid(
                    f"Invalid {param}: keys are at most {METADATA_KEY_MAX} characters and "
                    f"values at most {METADATA_VALUE_MAX}",
                    param,
                )
        return {meta_key: meta_value for meta_key, meta_value in value.items() if meta_value != ""}

    def ignore(self, *keys: str) -> None:
        """Accept keys whose only effect at real Stripe is on presentation the fake does not render."""
        self.used.update(keys)

    def finish(self) -> None:
        """Refuse every key no reader consumed, at any depth, naming the first one."""
        for key in self.data:
            if key not in self.used:
                raise unknown(self.name(key))
        for child in self.children:
            child.finish()

    def expand(self) -> list[str]:
        return self.strings("expand")
