"""Fixtures for tests that run the real thing: a local SMTP sink and Celery worker subprocesses.

``smtp_sink`` is an aiosmtpd server on 127.0.0.1 that keeps what it accepted. ``celery_worker``
starts ``celery -A forum_portal worker`` as a separate process on Redis, against the test
database, with the sink as its mail server; the test process publishes to the same broker and
queue while the fixture is active. Worker tests need committed data, so they use
``@pytest.mark.django_db(transaction=True)``, and they are skipped unless the tests run on
PostgreSQL (``DATABASE_URL``) with a reachable Redis (``REDIS_URL``).
"""

import asyncio
import contextlib
import email
import email.policy
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 30  # seconds for a worker to connect to Redis and start consuming
STOP_TIMEOUT = 15  # seconds for a warm shutdown before the worker is killed


def wait_for(condition, *, timeout: float = 15, interval: float = 0.05, message: str = "condition"):
    """Poll ``condition`` until it returns something truthy, and return that; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- SMTP sink ---------------------------------------------------------------------------------


@dataclass
class Delivered:
    """One message the sink accepted with a 250 reply."""

    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """An SMTP server that records what it accepts.

    ``hold()`` makes it wait before answering DATA, so a sender hangs mid-send until ``release()``.
    A message counts as delivered only when the sink answers 250: if the sender's connection dies
    while the reply is held, the message is dropped (``aborted`` counts those).
    """

    host: str
    port: int
    messages: list[Delivered] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    data_started: threading.Event = field(default_factory=threading.Event)
    aborted: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.gate.set()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def hold(self) -> None:
        self.data_started.clear()
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def delivered(self) -> list[Delivered]:
        with self._lock:
            return list(self.messages)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.data_started.set()
        try:
            # Wait in a thread: the event loop must keep running to notice a sender that dies.
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
        except asyncio.CancelledError:
            # aiosmtpd cancels the handler when the client's connection ends (EOF or reset).
            with self._lock:
                self.aborted += 1
            raise
        if server.transport is None or server.transport.is_closing():
            with self._lock:
                self.aborted += 1
            return "421 Connection closed before the reply"
        # Parsed with Python's own line endings, as a test compares it with what the portal wrote.
        raw = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink():
    sink = SmtpSink(host="127.0.0.1", port=_free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    server_log = logging.getLogger("mail.log")  # aiosmtpd logs every SMTP command at INFO
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    controller.start()
    try:
        yield sink
    finally:
        sink.release()  # let any held handler finish, or stop() waits for it
        controller.stop()
        server_log.setLevel(level)


# --- Broker of the test process ---------------------------------------------------------------------


def _reset_broker_connections(app) -> None:
    """Forget the app's broker pools, so the next publish uses the current broker_url.

    The pools themselves stay open: kombu shares them per broker address across the process.
    """
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_publishing(*, broker_url: str | None = None, queue: str | None = None, eager: bool = False):
    """Publish tasks from this process to ``broker_url`` and ``queue`` (or run them eagerly) for a while."""
    from forum_portal.celery import app

    saved = {
        "broker_url": app.conf.broker_url,
        "task_default_queue": app.conf.task_default_queue,
        "task_always_eager": app.conf.task_always_eager,
    }
    if broker_url is not None:
        app.conf.broker_url = broker_url
    if queue is not None:
        app.conf.task_default_queue = queue
    app.conf.task_always_eager = eager
    _reset_broker_connections(app)
    try:
        yield app
    finally:
        for key, value in saved.items():
            setattr(app.conf, key, value)
        _reset_broker_connections(app)


# --- A Redis server of the test's own ---------------------------------------------------------------


class PrivateRedis:
    """``redis-server`` on a free port of 127.0.0.1, started by the test, which may stop it and
    start it again (the shared Redis the suite runs on is never touched)."""

    def __init__(self, binary: str, folder: Path):
        self.binary = binary
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _redis_is_reachable(self.url), timeout=10, message="the test's Redis to start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does it)")
    server = PrivateRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- Celery worker -----------------------------------------------------------------------------


def _database_url(settings_dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def _redis_is_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _forget_queue(redis_url: str, queue: str) -> None:
    """Delete the queue's keys and its unacknowledged messages from Redis, so nothing is left behind."""
    import json

    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2)
    with contextlib.suppress(redis.RedisError):
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for tag, payload in client.hgetall("unacked").items():
            with contextlib.suppress(ValueError, IndexError, TypeError):
                if json.loads(payload)[2] == queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


class WorkerProcess:
    """One ``celery worker`` subprocess in its own process group, logging to a file."""

    def __init__(self, *, name: str, args: list[str], env: dict[str, str], log_path: Path):
        self.name = name
        self.log_path = log_path
        self._log_file = open(log_path, "wb")  # noqa: SIM115 - closed in _reap()
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def is_running(self) -> bool:
        return self.process.poll() is None

    def wait_until_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while f"{self.name} ready." not in self.log:
            if not self.is_running():
                raise RuntimeError(f"Celery worker exited with {self.process.returncode}:\n{self.log}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"Celery worker not ready after {timeout}s:\n{self.log}")
            time.sleep(0.05)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as when a machine dies."""
        if self.is_running():  # a reaped group id could belong to someone else by now
            self._signal_group(signal.SIGKILL)
        self._reap(timeout=STOP_TIMEOUT)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Warm shutdown (SIGTERM); kill the group if it does not end within ``timeout``."""
        if self.is_running():
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
        self._reap(timeout=STOP_TIMEOUT)

    def _reap(self, *, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)
        self._log_file.close()

    def task_results(self, task_name: str) -> list[str]:
        """Return values the worker logged for ``task_name``, in order (e.g. ``['sent', 'skipped']``)."""
        results = []
        for line in self.log.splitlines():
            if f"Task {task_name}[" in line and "] succeeded in " in line:
                results.append(line.rsplit(": ", 1)[1].strip().strip("'\""))
        return results


@pytest.fixture
def celery_worker(request, transactional_db, smtp_sink, tmp_path):
    """A factory starting real Celery workers: ``celery_worker(concurrency=2)`` returns a running one.

    While the fixture is active this process publishes to the same Redis and to a queue of this
    test's own. Workers are stopped (and killed if need be) before the test database is flushed.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("worker tests need PostgreSQL shared with the worker: set DATABASE_URL=postgres://…")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        pytest.skip("worker tests need Redis: set REDIS_URL, e.g. redis://127.0.0.1:6379/14")
    if not _redis_is_reachable(redis_url):
        pytest.skip(f"worker tests need Redis, and {redis_url} does not answer")
    if "private_redis" in request.fixturenames:
        # A test with a Redis of its own (to stop and start it) runs its workers on that one.
        redis_url = request.getfixturevalue("private_redis").url

    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": smtp_sink.url,
        "EMAIL_TIMEOUT": "20",
        "DJANGO_SECRET_KEY": "worker-tests-only-" + uuid.uuid4().hex,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        # The worker runs on the real clock, which the test cannot move: without quiet hours, what
        # a test queues in the daytime (travelling in time in this process) is sent at any hour.
        "NOTIFY_QUIET_HOURS": "",
        "DJANGO_SETTINGS_MODULE": "forum_portal.settings",
        "PYTHONUNBUFFERED": "1",
    }
    workers: list[WorkerProcess] = []

    def start(*, concurrency: int = 1) -> WorkerProcess:
        name = f"{queue}-{len(workers) + 1}@{socket.gethostname()}"
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "forum_portal",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-Q",
            queue,
            "-n",
            name,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ]
        worker = WorkerProcess(name=name, args=args, env=env, log_path=tmp_path / f"worker-{len(workers) + 1}.log")
        workers.append(worker)
        worker.wait_until_ready()
        return worker

    with celery_publishing(broker_url=redis_url, queue=queue):
        try:
            yield start
        finally:
            for worker in workers:
                worker.stop()
            call_report = getattr(request.node, "rep_call", None)
            if call_report is not None and call_report.failed:
                for worker in workers:
                    sys.stderr.write(f"\n--- {worker.name} log ---\n{worker.log}\n")
            _forget_queue(redis_url, queue)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can show worker logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
