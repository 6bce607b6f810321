"""Sessions kept in the database, and read through Redis where the fragments are (FRAGMENT_CACHE_URL).

Django's ``cached_db`` sessions, with two changes:

- With Redis away, sessions are read from and written to the database alone, so people stay
  signed in; Django's own would fail the page.
- A session stays in Redis for at most ``KEPT_SECONDS``, then is read again from the database.
  Signing out deletes the row and leaves a marker in Redis for those seconds: a page that read the
  row just before cannot put the session back (it only adds to Redis what is not there). If Redis
  cannot be written, the row is gone at once and the copy in Redis lapses within those seconds.

Without Redis (the database cache: ``make run``, the tests) this is exactly Django's ``db`` sessions.
"""

import logging

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEPT_SECONDS = 60
DELETED = "deleted"  # in Redis for a session signed out: session data is always a dict


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = "sessions:"

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = caches["fragments"]

    @property
    def _in_redis(self) -> bool:
        return not isinstance(self._cache, DatabaseCache)

    def load(self):
        if not self._in_redis:
            return db.SessionStore.load(self)
        try:
            data = self._cache.get(self.cache_key)
        except RedisError:
            logger.warning("Redis is unavailable: the session is read from the database")
            return db.SessionStore.load(self)
        if data == DELETED:
            self._session_key = None  # as the database answers for a deleted session
            return {}
        if data is None:
            row = self._get_session_from_db()
            if row is None:
                return {}
            data = self.decode(row.session_data)
            self._keep(data, self.get_expiry_age(expiry=row.expire_date), replace=False)
        return data

    def exists(self, session_key):
        return db.SessionStore.exists(self, session_key)  # the database has every session

    def save(self, must_create=False):
        db.SessionStore.save(self, must_create)
        if self._in_redis:
            self._keep(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        db.SessionStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None or not self._in_redis:
            return
        try:
            self._cache.set(self.cache_key_prefix + session_key, DELETED, KEPT_SECONDS)
        except RedisError:
            logger.warning("Redis is unavailable: a deleted session lapses there within %s s", KEPT_SECONDS)

    def _keep(self, data: dict, expiry_age: int, *, replace: bool = True) -> None:
        """Keep the session in Redis. What was read from the database is only added (``replace``
        off): the session may have been deleted since, and its marker must stay."""
        timeout = min(expiry_age, KEPT_SECONDS)
        try:
            if replace:
                self._cache.set(self.cache_key, data, timeout)
            else:
                self._cache.add(self.cache_key, data, timeout)
        except RedisError:
            logger.warning("Redis is unavailable: the session is kept in the database alone")

    # The portal serves pages from WSGI; these keep an async caller on the same rules.
    async def aload(self):
        return await sync_to_async(self.load)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def asave(self, must_create=False):
        await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key=None):
        await sync_to_async(self.delete)(session_key)
