"""The visitor's cached pages are tested with each store: in the process (version files under the instance
folder) and in Redis (skipped when no Redis answers on 127.0.0.1:6379). Every test names its own cache
prefix, so parallel runs and other tests never share an entry or a version with it."""

import uuid

import pytest

from coursehub.core.paths import PROJECT_ROOT
from tests.helpers import CACHE_REDIS_URL as REDIS_URL
from tests.helpers import redis_answers

STORES = ["memory", pytest.param("redis", marks=pytest.mark.skipif(not redis_answers(), reason="no Redis"))]


@pytest.fixture(params=STORES)
def cache_settings(request, tmp_path):
    """Settings for one store and this test's own prefix; afterwards, what the test left there is removed."""
    prefix = f"test-{uuid.uuid4().hex[:16]}"
    settings = {
        "CACHE_PREFIX": prefix,
        "STRIPE_SECRET_KEY": "sk_test_visitor_cache",  # the bundles show only when payments are on
        "VIDEO_ROOT": str(tmp_path / "videos"),
    }
    if request.param == "redis":
        settings |= {"REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": "memory://"}
    yield settings
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
    else:
        for path in (PROJECT_ROOT / "instance" / "cache").glob(f"{prefix}.*"):
            path.unlink()
