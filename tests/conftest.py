import os
import uuid

import pytest
import redis

pytest_plugins = ["tests.worker", "tests.browser"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test land in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The fragments' cache in Redis, as production has it (FRAGMENT_CACHE_URL) ---------------------

REDIS_URL = os.environ.get("REDIS_URL", "")


def fragments_in(settings, location: str, prefix: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


@pytest.fixture
def redis_fragments(settings):
    if not REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")
    prefix = f"test-fragments-{uuid.uuid4().hex}"  # each test its own keys, whichever process runs it
    fragments_in(settings, REDIS_URL, prefix)
    yield
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_away(settings):
    fragments_in(settings, "redis://127.0.0.1:1/0", "test-away")  # nothing listens on port 1
