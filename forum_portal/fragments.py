"""Rendered HTML fragments kept in the portal's cache, and never served after what they show changed;
and, where the cache is Redis, rows read on every page (``kept``) under the same rule.

A fragment belongs to a *source*, the label of the app whose data it shows ("information"). Each
source has a generation, a random token in the cache. A fragment is stored with the generation it
was rendered under; reading it fetches the fragment and the generations in one cache query, and a
fragment whose generation is no longer current is rendered again.

Any save or delete of a model of a watched app, and any change to its many-to-many relations, starts
a new generation for that app: pages, the admin, imports and demo data all change data through the
ORM, so one receiver sees them all. ``QuerySet.update()`` sends no signal: services that use it call
``changed(source)`` themselves. The timeout bounds what changes with the clock alone (a consultation
closing at noon leaves the home page's "open now" within the timeout).

The fragments' cache is ``caches["fragments"]``: Redis in production, the database cache otherwise
(settings). The database cache is written in the same transaction as the change, so the new
generation appears with the committed data. Redis is written at once, before the commit: the
generation is started again when the transaction commits, so a page rendered meanwhile, from the
data as it was, is not kept. If the cache cannot be reached, pages are rendered afresh and nothing
is kept; a change made then cannot start its generation, so what was kept before shows for at most
its timeout once the cache is back.
"""

import contextlib
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
T = TypeVar("T")
_WATCHED: set[str] = set()


@dataclass(frozen=True)
class Fragment:
    key: str
    source: str
    render: Callable[[], str]
    timeout: int = 60
    # What the fragment shows, where many things share a few keys (a search keeps its pages in a
    # fixed number of slots, whatever people type): a stored fragment of another variant is
    # rendered again, and takes the slot.
    variant: str = ""

    @property
    def _variant_token(self) -> str:
        return hashlib.sha256(self.variant.encode()).hexdigest()[:32] if self.variant else ""


class NotKept(Exception):
    """Raised by a fragment's render: what was asked is shown to this person, but not kept."""


def _generation_key(source: str) -> str:
    return f"fragments:generation:{source}"


def _fragment_key(key: str) -> str:
    return f"fragments:{key}"


def watch(*sources: str) -> None:
    """Start new generations for these apps whenever one of their models changes."""
    _WATCHED.update(sources)


def changed(*sources: str) -> None:
    """Start a new generation: every fragment of these sources rendered so far is stale."""
    _start_generations(sources)
    if not isinstance(caches["fragments"], DatabaseCache) and transaction.get_connection().in_atomic_block:
        # Redis sees this before the commit: a page rendered meanwhile, from the data as it was,
        # must not be kept under the new generation.
        transaction.on_commit(partial(_start_generations, sources), robust=True)  # whatever ran before it


def _start_generations(sources) -> None:
    try:
        caches["fragments"].set_many({_generation_key(source): uuid.uuid4().hex for source in sources}, None)
    except RedisError:
        # The change itself stands: what was kept shows for at most its timeout once Redis is back.
        logger.warning("Redis is unavailable: cached fragments of %s may show old data", ", ".join(sources))


def render_many(fragments: list[Fragment]) -> list[SafeString]:
    """Each fragment's HTML, from the cache where it is current, rendered (and stored) where not.

    One cache query when every fragment is current.
    """
    cache = caches["fragments"]
    sources = sorted({fragment.source for fragment in fragments})
    try:
        found = cache.get_many(
            [_generation_key(source) for source in sources] + [_fragment_key(f.key) for f in fragments]
        )
    except RedisError:
        logger.warning("Redis is unavailable: fragments are rendered afresh, and not kept")
        return [mark_safe(str(fragment.render())) for fragment in fragments]  # noqa: S308 - our own templates
    generations = _current_generations(cache, sources, found)
    html = []
    for fragment in fragments:
        stored = found.get(_fragment_key(fragment.key))
        generation = generations[fragment.source]
        if fragment.variant:
            generation = f"{generation}:{fragment._variant_token}"
        if stored is not None and stored[0] == generation:
            html.append(mark_safe(stored[1]))  # noqa: S308 - rendered by our own templates
            continue
        rendered = str(fragment.render())
        # What changes next in this transaction must start a new generation again.
        getattr(_started, "markers", {}).pop(fragment.source, None)
        with contextlib.suppress(RedisError):
            cache.set(_fragment_key(fragment.key), (generation, rendered), fragment.timeout)
        html.append(mark_safe(rendered))  # noqa: S308 - rendered by our own templates
    return html


def render(key: str, render: Callable[[], str], *, source: str, timeout: int = 60) -> SafeString:
    return render_many([Fragment(key, source, render, timeout)])[0]


def kept(
    key: str,
    load: Callable[[], T],
    *,
    sources: tuple[str, ...],
    timeout: int = 60,
    before_keeping: Callable[[T], object] | None = None,
) -> T:
    """What ``load`` returns (rows from the database, not HTML), kept while none of ``sources``
    changes. ``None`` is never kept. ``before_keeping`` works out what is kept with the value
    (answers the pages would otherwise ask the database for each time).

    Only where the fragments are in Redis: kept in the database cache, a row would cost the query
    it saves, so there ``load`` simply runs. Who is signed in and what they may open come from here
    (people/backends.py), so a value loaded inside a transaction is shown but not kept: it may hold
    a change that the transaction rolls back. Requests run outside one (no ATOMIC_REQUESTS).
    """
    cache = caches["fragments"]
    if isinstance(cache, DatabaseCache):
        return load()
    try:
        found = cache.get_many([_generation_key(source) for source in sources] + [_fragment_key(key)])
    except RedisError:
        logger.warning("Redis is unavailable: %s is read from the database", key)
        return load()
    generations = _current_generations(cache, sources, found)
    token = ":".join(generations[source] for source in sources)
    stored = found.get(_fragment_key(key))
    if stored is not None and stored[0] == token:
        return stored[1]
    value = load()
    if value is not None and not transaction.get_connection().in_atomic_block:
        if before_keeping is not None:
            before_keeping(value)
        with contextlib.suppress(RedisError):
            cache.set(_fragment_key(key), (token, value), timeout)
    return value


def _current_generations(cache, sources, found: dict) -> dict[str, str]:
    """Each source's generation, as read in ``found``; a source with none yet (a new cache, or one
    culled) is given one, so that what is rendered or loaded now can be kept."""
    generations = {source: found.get(_generation_key(source)) for source in sources}
    missing = [source for source, generation in generations.items() if generation is None]
    if missing:
        new = {source: uuid.uuid4().hex for source in missing}
        with contextlib.suppress(RedisError):  # gone since the read: shown now, not kept
            cache.set_many({_generation_key(source): token for source, token in new.items()}, None)
        generations.update(new)
    return generations


# Per thread: the source whose new generation this transaction has already started, with the marker
# it left among the transaction's on-commit callbacks.
_started = threading.local()


def _model_changed(sender, **kwargs) -> None:
    """One new generation per transaction and app, not one per saved row (a submitted answer saves many).

    Inside a transaction the first change starts the generation and leaves a marker among the
    transaction's on-commit callbacks; later changes skip while the marker is there and no fragment
    of the app was rendered since. Commit or rollback clears the callbacks, and with them the marker.
    """
    label = sender._meta.app_label
    if label not in _WATCHED:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        markers = _started.__dict__.setdefault("markers", {})
        marker = markers.get(label)
        if marker is not None and any(callback is marker for _ids, callback, _robust in connection.run_on_commit):
            return
        markers[label] = marker = partial(_forget_marker, label)
        transaction.on_commit(marker)
    changed(label)


def _forget_marker(label: str) -> None:
    getattr(_started, "markers", {}).pop(label, None)


def _m2m_changed(sender, action, instance, **kwargs) -> None:
    if action.startswith("post_"):
        _model_changed(type(instance))


def _database_rebuilt(sender, **kwargs) -> None:
    # After migrate or flush (between end-to-end tests), the rows fragments showed are gone.
    if _WATCHED:
        # No cache table yet on a brand new database: nothing to forget then.
        with contextlib.suppress(Exception):
            changed(*_WATCHED)


post_save.connect(_model_changed, dispatch_uid="fragments-save")
post_delete.connect(_model_changed, dispatch_uid="fragments-delete")
m2m_changed.connect(_m2m_changed, dispatch_uid="fragments-m2m")
post_migrate.connect(_database_rebuilt, dispatch_uid="fragments-migrate")
