"""The fake's memory: every Stripe object as a JSON-ready dict, the event log and saved idempotent results.

One re-entrant lock guards all of it. Operations are short and in memory, so each API request holds the lock
for its whole read-modify-write; nothing holds it across network I/O (webhook delivery reads only the
immutable event body). Keys starting with ``_`` are the fake's own bookkeeping and never leave the server.
"""

from __future__ import annotations

import copy
import json
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import stripe

from coursehub.stripe_fake.errors import invalid, not_found

ALPHABET = string.ascii_letters + string.digits
NO_REQUEST = {"id": None, "idempotency_key": None}


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "_" + "".join(secrets.choice(ALPHABET) for _ in range(length))


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A deep copy without the fake's bookkeeping keys: what the API and events show."""
    return {key: copy.deepcopy(value) for key, value in obj.items() if not key.startswith("_")}


@dataclass
class EventRecord:
    """An event plus the exact body that is signed and sent, and every delivery attempt made with it."""

    event: dict[str, Any]
    body: str
    attempts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        return any(
            attempt["status"] is not None and 200 <= attempt["status"] < 300 for attempt in self.attempts
        )


@dataclass(frozen=True)
class SavedResponse:
    """What an Idempotency-Key remembers: the first outcome and what was asked, to spot a changed reuse."""

    status: int
    body: dict[str, Any]
    method_path: str
    params: dict[str, Any]


class Store:
    def __init__(self, clock: Callable[[], float] = time.time):
        self.lock = threading.RLock()
        self.clock = clock
        self.listeners: list[Callable[[EventRecord], None]] = []
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict[str, Any]] = {}
            self.events: list[EventRecord] = []
            self.idempotency: dict[tuple[str, str], SavedResponse] = {}

    def now(self) -> int:
        return int(self.clock())

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.objects[obj["id"]] = obj
        return obj

    def find(self, object_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.objects.get(object_id)

    def get(self, object_type: str, object_id: str, param: str | None = "id") -> dict[str, Any]:
        obj = self.find(object_id)
        if obj is None or obj["object"] != object_type:
            raise not_found(object_type, object_id, param)
        return obj

    def all(self, object_type: str) -> list[dict[str, Any]]:
        """Every object of one type, newest first, as Stripe's list endpoints order them."""
        with self.lock:
            return [obj for obj in reversed(self.objects.values()) if obj["object"] == object_type]

    def emit(
        self, event_type: str, obj: dict[str, Any], request: dict[str, Any] | None = None
    ) -> EventRecord:
        """Record an event with a snapshot of ``obj`` as it is now, then hand it to the delivery listeners."""
        with self.lock:
            event = {
                "id": new_id("evt"),
                "object": "event",
                "api_version": stripe.api_version,
                "created": self.now(),
                "data": {"object": public(obj)},
                "livemode": False,
                "pending_webhooks": 1,
                "request": dict(request or NO_REQUEST),
                "type": event_type,
            }
            record = EventRecord(event, json.dumps(event, separators=(",", ":")))
            self.objects[event["id"]] = event
            self.events.append(record)
            for listener in self.listeners:
                listener(record)
            return record

    def event_record(self, event_id: str) -> EventRecord:
        with self.lock:
            for record in self.events:
                if record.event["id"] == event_id:
                    return record
        raise not_found("event", event_id)


Includes = dict[tuple[str, str], Callable[["Store", dict[str, Any]], dict[str, Any]]]


def expand(store: Store, obj: dict[str, Any], paths: list[str], includes: Includes) -> dict[str, Any]:
    """Apply ``expand[]`` paths such as ``payment_intent`` or ``line_items.data.price.product`` to a copy.

    A field holding an ID is replaced by that object; an includable field (``line_items`` on a session)
    is built on demand, as Stripe only returns it when asked.
    """
    result = public(obj)
    for path in paths:
        parts = path.split(".")
        if len(parts) > 4:
            raise invalid(f"You cannot expand more than 4 levels of a property. Property: {path}", "expand")
        _expand_into(store, result, parts, path, includes)
    return result


def _expand_into(store: Store, node: Any, parts: list[str], path: str, includes: Includes) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(node, dict) and node.get("object") == "list" and head == "data":
        for item in node["data"]:
            if rest:
                _expand_into(store, item, rest, path, includes)
        return
    if not isinstance(node, dict):
        raise invalid(f"This property cannot be expanded ({path}).", "expand")
    include = includes.get((node.get("object", ""), head))
    if include is not None:
        source = store.find(node["id"])
        value = include(store, source) if source is not None else None
    elif head in node:
        value = node[head]
        if isinstance(value, str):
            target = store.find(value)
            if target is None:
                raise invalid(f"This property cannot be expanded ({path}).", "expand")
            value = public(target)
    else:
        raise invalid(f"This property cannot be expanded ({path}).", "expand")
    node[head] = value
    if rest and value is not None:
        _expand_into(store, value, rest, path, includes)


def page(
    items: list[dict[str, Any]],
    url: str,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None,
) -> dict[str, Any]:
    """One page of a newest-first list, with ``has_more`` so stripe's ``auto_paging_iter()`` can walk it."""
    limit = 10 if limit is None else limit
    if not 1 <= limit <= 100:
        raise invalid("Invalid limit: must be between 1 and 100", "limit")
    ids = [item["id"] for item in items]
    if starting_after is not None:
        if starting_after not in ids:
            raise invalid(
                f"Invalid starting_after: no such object '{starting_after}' in this list", "starting_after"
            )
        rest = items[ids.index(starting_after) + 1 :]
        chosen, has_more = rest[:limit], len(rest) > limit
    elif ending_before is not None:
        if ending_before not in ids:
            raise invalid(
                f"Invalid ending_before: no such object '{ending_before}' in this list", "ending_before"
            )
        before = items[: ids.index(ending_before)]
        chosen, has_more = before[-limit:], len(before) > limit
    else:
        chosen, has_more = items[:limit], len(items) > limit
    return {"object": "list", "data": chosen, "has_more": has_more, "url": url}
