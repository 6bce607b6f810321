"""``make drills``: the load test and the fault drills, on 127.0.0.1 only, bounded in time.

    python loadtest/run.py [load] [database] [redis] [worker]     (no argument: all four)

Each run builds a database of its own on the local PostgreSQL server (demo data plus an account
per simulated person), serves the portal with gunicorn (DEBUG off) and, for the drills, a Celery
worker and an SMTP sink. The portal reaches PostgreSQL and Redis through TCP proxies this script
owns, so a drill can cut the connection without touching the servers themselves. Everything it
started is stopped and the database dropped at the end. Figures are printed and written to
var/drills/results.json.

- load: Locust, LOAD_USERS (50) people for LOAD_SECONDS (60): visitors reading; parent carers
  browsing and answering the open consultation (an answer counts as sent only when the "sent"
  page shows); officers reading results; forum staff approving consultations waiting for review
  (LOAD_IN_REVIEW of them; one another staff member approved first is not an error); a load
  balancer polling /healthz. Reports requests, failures, p50, p95 and requests a second, and
  holds what Locust saw against the database: a receipt queued for every answer sent, every
  approval one consultation approved once.
- database: steady requests, some saving (a data download request: a row and its audit event in
  one transaction); PostgreSQL's connections are cut for DRILL_CUT_SECONDS (8) and restored.
  Pages must answer fast with the 500 page (health check 503), recover, and leave nothing half saved.
- redis: the broker is cut while pages are read and emails queued; pages keep working, emails wait
  in the outbox and go out exactly once after the broker is back and the sweeper runs.
- worker: a batch of 200 emails; the worker is killed (SIGKILL) part-way; a new worker and the
  sweeper finish the batch: nothing lost, and nothing sent twice but what was in flight at the
  kill (SMTP cannot tell the sender whether a message whose reply it never heard arrived).

Environment: DRILLS_POSTGRES (postgres://postgres@127.0.0.1:5432), DRILLS_REDIS
(redis://127.0.0.1:6379/5), LOCUST (the locust program; default .venv/bin/locust).
"""

import asyncio
import collections
import contextlib
import csv
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("DRILLS_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS = os.environ.get("DRILLS_REDIS", "redis://127.0.0.1:6379/5")
DATABASE = "forum_portal_drills"
LOAD_USERS = int(os.environ.get("LOAD_USERS", "50"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
# Consultations waiting for review: more than the simulated staff approve in the load test and
# the database drill together (about one each per six seconds).
IN_REVIEW = int(os.environ.get("LOAD_IN_REVIEW", str(max(50, LOAD_USERS * LOAD_SECONDS // 20))))
CUT_SECONDS = float(os.environ.get("DRILL_CUT_SECONDS", "8"))
OUT = ROOT / "var" / "drills"
QUEUE = f"drills-{uuid.uuid4().hex[:8]}"


# --- A TCP proxy we can cut --------------------------------------------------------------------


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a server. ``cut()`` resets every connection and refuses new
    ones, as when the server restarts; ``restore()`` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave the
            # socket listening until that accept() returned.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for connection in self._connections:
                # A reset, not a polite close, so the other side learns at once; shutdown() first
                # wakes the threads blocked reading it (close() alone would leave it open).
                with contextlib.suppress(OSError):
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    connection.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    connection.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._listener is not listener:  # accepted as the cut began
                client.close()
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._connections.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()
            with self._lock:
                self._connections.discard(source)
                self._connections.discard(sink)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- An SMTP sink ------------------------------------------------------------------------------------


class SmtpSink:
    """Accepts every message after ``delay`` seconds and counts them by the portal's email id; a
    message counts only if the sender was still there to hear the reply."""

    def __init__(self, delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.received: collections.Counter[str] = collections.Counter()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        if server.transport is None or server.transport.is_closing():
            # The sender died before our reply: as for a real server, nothing was delivered.
            return "421 Connection closed before the reply"
        found = re.search(rb"X-Portal-Email-Id: (\d+)", envelope.original_content or envelope.content)
        self.received[found.group(1).decode() if found else "?"] += 1
        return "250 Message accepted for delivery"

    def stop(self) -> None:
        self.controller.stop()


# --- The portal's processes ----------------------------------------------------------------------------


def portal_env(*, database_port: int, redis_url: str, email_url: str = "consolemail://") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    user_host = POSTGRES.split("://", 1)[1].rsplit(":", 1)[0]
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="drills-only-secret-key-" + "d" * 40,
        DJANGO_HTTPS="0",  # plain HTTP on loopback; everything else as in production
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://{user_host.split('@')[0]}@127.0.0.1:{database_port}/{DATABASE}",
        REDIS_URL=redis_url,
        CELERY_QUEUE=QUEUE,
        EMAIL_URL=email_url,
        STATIC_ROOT=str(OUT / "static"),
        LOG_LEVEL="WARNING",
        ACCOUNT_LOGIN_FAILED_LIMIT="1000/m/ip,1000/m/key",
    )
    return env


def direct_env() -> dict[str, str]:
    host_port = POSTGRES.split("@")[-1]
    return portal_env(database_port=int(host_port.rsplit(":", 1)[1]), redis_url=REDIS)


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{POSTGRES}/postgres", "-q", "-c", sql], check=True, capture_output=True, timeout=120)


class Process:
    """A child in its own process group, logging to a file under var/drills."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]):
        self.name = name
        self.log_path = OUT / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._log.close()


def start_gunicorn(env: dict[str, str], *, workers: int = 4) -> tuple[Process, str]:
    port = free_port()
    server = Process(
        "gunicorn",
        [PYTHON, "-m", "gunicorn", "forum_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "30", "--log-level", "warning"],
        env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/about/", timeout=5):
                return server, base
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise SystemExit(f"gunicorn did not answer; see {server.log_path}") from None
            time.sleep(0.3)


def start_worker(env: dict[str, str], name: str, *, concurrency: int = 2) -> Process:
    worker = Process(
        name,
        [PYTHON, "-m", "celery", "-A", "forum_portal", "worker", "--pool=prefork", f"--concurrency={concurrency}",
         "-Q", QUEUE, "-n", f"{name}-{QUEUE}@%h", "--without-mingle", "--without-gossip", "--loglevel=INFO"],
        env,
    )  # fmt: skip
    wait_until(lambda: " ready." in worker.log_path.read_text(errors="replace"), 60, f"{name} to start")
    return worker


def wait_until(condition, seconds: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(interval)


# --- A browser of sorts -------------------------------------------------------------------------------


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None, timeout: float = 30) -> tuple[int, str, float]:
        """(status, body, seconds). A POST carries the CSRF cookie as its token."""
        if data is not None:
            token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
            data = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, data=data, timeout=timeout) as response:
                return response.status, response.read().decode(errors="replace"), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), time.monotonic() - started
        except OSError as error:
            return 0, repr(error), time.monotonic() - started

    def set_cookie(self, name: str, value: str) -> None:
        host = urllib.parse.urlsplit(self.base).hostname
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, True, None, None, {}
            )
        )  # fmt: skip

    def use_session(self, session_key: str) -> None:
        """Start signed in, with a session made beforehand (signing in hashes a password: slow)."""
        self.set_cookie("sessionid", session_key)
        # A CSRF secret of our own, sent back as the token, as a page's form would.
        self.set_cookie("csrftoken", uuid.uuid4().hex)
        status, body, _ = self.request("/account/")
        if status != 200 or "Your account" not in body:
            raise AssertionError(f"the session made for the drill does not sign in: {status}")


# --- Set-up -------------------------------------------------------------------------------------------


def build_database() -> dict:
    """A fresh database with demo data and one account per simulated person; returns the accounts."""
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    env = direct_env()
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "seed_demo", "--force")
    manage(env, "collectstatic", "--noinput")
    accounts_file = OUT / "accounts.json"
    subprocess.run(
        [PYTHON, "loadtest/accounts.py", str(LOAD_USERS), str(accounts_file), str(IN_REVIEW)],
        cwd=ROOT, env=env, check=True, timeout=600,
    )  # fmt: skip
    return json.loads(accounts_file.read_text())


def django_setup() -> None:
    """Use Django in this process, on the drill database directly (not through a proxy)."""
    os.environ.update(direct_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "forum_portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def forget_queue() -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    client.delete(QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}")
    for tag, payload in client.hgetall("unacked").items():
        try:
            if json.loads(payload)[2] == QUEUE:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        except (ValueError, IndexError, TypeError):
            pass


# --- Load --------------------------------------------------------------------------------------------


def run_load(accounts: dict) -> dict:
    from django.db.models import Count

    from consultations.models import Consultation, ConsultationEvent
    from forum_portal.audit.models import AuditEvent
    from forum_portal.notify.models import OutgoingEmail

    locust = os.environ.get("LOCUST") or str(ROOT / ".venv" / "bin" / "locust")
    if not Path(locust).exists() and shutil.which(locust) is None:
        raise SystemExit(f"Locust is not installed at {locust}: pip install -r requirements-dev.txt, or set LOCUST")
    server, base = start_gunicorn(direct_env())
    prefix = OUT / "locust"
    outcomes_file = OUT / "load-outcomes.json"
    try:
        subprocess.run(
            [locust, "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "--users", str(LOAD_USERS),
             "--spawn-rate", "10", "--run-time", f"{LOAD_SECONDS}s", "--host", base, "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "LOAD_ACCOUNTS": str(OUT / "accounts.json"),
                           "LOAD_OUTCOMES": str(outcomes_file)},
            check=False, timeout=LOAD_SECONDS + 120,
        )  # fmt: skip
    finally:
        server.stop()
    with open(f"{prefix}_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    outcomes = json.loads(outcomes_file.read_text())
    waiting = accounts["places"]["in_review"]
    approvals = (
        ConsultationEvent.objects.filter(consultation__in=waiting, action=ConsultationEvent.Action.APPROVED)
        .values("consultation")
        .annotate(times=Count("pk"))
    )
    result = {
        "users": LOAD_USERS,
        "seconds": LOAD_SECONDS,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": int(total["50%"]),
        "p95_ms": int(total["95%"]),
        "answers_sent": outcomes.get("answers sent", 0),
        "receipts_queued": OutgoingEmail.objects.filter(kind="consultation_receipt").count(),
        "approvals": outcomes.get("approvals", 0),
        "approvals_taken_by_another": outcomes.get("approvals taken by another", 0),
        "review_queue_found_empty": outcomes.get("review queue found empty", 0),
        "consultations_approved": Consultation.objects.filter(
            pk__in=waiting, status=Consultation.Status.APPROVED
        ).count(),
        "consultations_approved_twice": sum(1 for row in approvals if row["times"] > 1),
        "approval_audit_events": AuditEvent.objects.filter(
            action="consultation.approved", object_id__in=[str(pk) for pk in waiting]
        ).count(),
        "pages": {
            name: {"requests": int(row["Request Count"]), "p50_ms": int(row["50%"]), "p95_ms": int(row["95%"])}
            for name, row in rows.items()
            if name != "Aggregated"
        },
    }
    failures = Path(f"{prefix}_failures.csv")
    result["failure_kinds"] = list(csv.DictReader(failures.open())) if failures.exists() else []
    # Each change the simulated people saw made is in the database once: an answer sent queued its
    # receipt in the same transaction; each approval is one consultation approved, once.
    result["passed"] = (
        result["failures"] == 0
        and result["answers_sent"] > 0
        and result["receipts_queued"] == result["answers_sent"]
        and result["approvals"] > 0
        and result["consultations_approved"] == result["approvals"] == result["approval_audit_events"]
        and result["consultations_approved_twice"] == 0
    )
    return result


# --- Drill: PostgreSQL away -----------------------------------------------------------------------------


# What each person does over and over in the database drill: read, save, ask for health.
STEADY_REQUESTS = [("read", "/account/", None), ("save", "/account/data/", {}), ("health", "/healthz", None)]


def drill_database(accounts: dict) -> dict:
    from forum_portal.audit.models import AuditEvent
    from forum_portal.people.models import DataExport

    database = CuttableProxy("127.0.0.1", int(POSTGRES.rsplit(":", 1)[1]))
    server, base = start_gunicorn(portal_env(database_port=database.port, redis_url=REDIS), workers=3)
    log: list[tuple[float, str, int, float, bool]] = []  # (at, what, status, seconds, the 500 page)
    stop = threading.Event()

    def person(number: int) -> None:
        browser = browsers[number]
        while not stop.is_set():
            for what, path, data in STEADY_REQUESTS:
                status, body, seconds = browser.request(path, data, timeout=20)
                log.append((time.monotonic() - started, what, status, seconds, "Sorry, something went wrong" in body))
                time.sleep(0.1)

    browsers = [Browser(base) for _ in range(6)]
    for browser, account in zip(browsers, accounts["parent"], strict=False):
        browser.use_session(account["session"])
    started = time.monotonic()
    try:
        threads = [threading.Thread(target=person, args=(number,), daemon=True) for number in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(5)
        cut_at = time.monotonic() - started
        database.cut()
        time.sleep(CUT_SECONDS)
        restored_at = time.monotonic() - started
        database.restore()
        time.sleep(10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        server.stop()

    during = [entry for entry in log if cut_at + 0.5 < entry[0] < restored_at]
    after = [entry for entry in log if entry[0] > restored_at]
    first_ok = min((entry[0] for entry in after if entry[2] == 200), default=None)
    recovered_after = round(first_ok - restored_at, 2) if first_ok else None
    settled = [entry for entry in after if first_ok and entry[0] > first_ok + 2]
    exports = DataExport.objects.count()
    events = AuditEvent.objects.filter(action="data_export.requested").count()
    result = {
        "requests": len(log),
        "before_cut": dict(collections.Counter(status for at, _, status, _, _ in log if at < cut_at)),
        "during_cut": dict(collections.Counter(f"{what} {status}" for _, what, status, _, _ in during)),
        "during_cut_slowest_seconds": round(max((entry[3] for entry in during), default=0), 2),
        "during_cut_pages_with_the_500_page": sum(1 for entry in during if entry[4]),
        "recovered_seconds_after_restore": recovered_after,
        "after_recovery": dict(collections.Counter(status for _, _, status, _, _ in settled)),
        "data_downloads_saved": exports,
        "their_audit_events": events,
    }
    result["passed"] = (
        all(status in (200, 302) for at, _, status, _, _ in log if at < cut_at)
        and all(
            (status == 500 and is_500_page) or (what == "health" and status == 503)
            for _, what, status, _, is_500_page in during
        )
        and result["during_cut_slowest_seconds"] < 6
        and recovered_after is not None
        and recovered_after < 10
        and all(status == 200 for _, _, status, _, _ in settled)
        and exports == events
    )
    return result


# --- Drill: Redis away ---------------------------------------------------------------------------------


def drill_redis(accounts: dict) -> dict:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from forum_portal.notify.models import OutgoingEmail
    from forum_portal.notify.services import sweep_outbox

    redis_host, redis_rest = REDIS.split("://", 1)[1].split(":", 1)
    redis_port, redis_db = redis_rest.split("/")
    broker = CuttableProxy(redis_host, int(redis_port))
    sink = SmtpSink()
    env = portal_env(
        database_port=int(POSTGRES.rsplit(":", 1)[1]),
        redis_url=f"redis://127.0.0.1:{broker.port}/{redis_db}",
        email_url=f"smtp://127.0.0.1:{sink.port}",
    )
    server, base = start_gunicorn(env, workers=3)
    forget_queue()  # what earlier drills left for a worker
    worker = start_worker(env, "redis-drill-worker")
    people = accounts["parent"][20:30]  # nobody an earlier drill used
    before = set(OutgoingEmail.objects.values_list("pk", flat=True))
    try:
        broker.cut()
        pages, resets = [], []
        for account in people:
            browser = Browser(base)
            browser.use_session(account["session"])
            for path in ("/", "/account/", "/account/forum/profile/"):
                pages.append(browser.request(path)[::2])
            visitor = Browser(base)
            visitor.request("/accounts/password/reset/")
            status, _, seconds = visitor.request("/accounts/password/reset/", {"email": account["email"]})
            resets.append((status, seconds))
        queued = OutgoingEmail.objects.exclude(pk__in=before).filter(recipient__in=[a["email"] for a in people])
        waiting = dict(collections.Counter(queued.values_list("status", flat=True)))
        delivered_while_away = sum(sink.received.values())

        broker.restore()
        restored = time.monotonic()
        sweep_outbox()  # beat runs it every minute; here it runs once, now

        # The worker finds the broker again on its own schedule (its retries back off).
        def all_sent():
            return not queued.exclude(status=OutgoingEmail.Status.SENT).exists()

        rescued_by_later_sweep = 0
        try:
            wait_until(all_sent, 60, "the waiting emails to go out")
        except AssertionError:
            # A message handed over as the broker came back can be lost on the way (Redis pops it
            # for a connection that is going); the sweeper sends such rows again once they are
            # NOTIFY_STALE_AFTER old. The drill runs that sweep as of then instead of waiting.
            rescued_by_later_sweep = queued.exclude(status=OutgoingEmail.Status.SENT).count()
            sweep_outbox(now=timezone.now() + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1))
            wait_until(all_sent, 60, "the emails the sweeper sent again")
        result = {
            "all_sent_seconds_after_restore": round(time.monotonic() - restored, 1),
            "sent_only_by_the_sweep_after_notify_stale_after": rescued_by_later_sweep,
            "pages_while_away": dict(collections.Counter(status for status, _ in pages)),
            "slowest_page_seconds": round(max(seconds for _, seconds in pages), 2),
            "password_resets_while_away": dict(collections.Counter(status for status, _ in resets)),
            "slowest_reset_seconds": round(max(seconds for _, seconds in resets), 2),
            "emails_queued_while_away": waiting,
            "delivered_while_away": delivered_while_away,
            "emails_sent_after": queued.filter(status=OutgoingEmail.Status.SENT).count(),
            "deliveries": sum(sink.received.values()),
            "delivered_twice": sum(1 for times in sink.received.values() if times > 1),
        }
    finally:
        worker.stop()
        server.stop()
        sink.stop()
    result["passed"] = (
        set(result["pages_while_away"]) == {200}
        and set(result["password_resets_while_away"]) == {200}
        and result["slowest_reset_seconds"] < 5
        and waiting == {"queued": 10}
        and delivered_while_away == 0
        and result["emails_sent_after"] == 10
        and result["deliveries"] == 10
        and result["delivered_twice"] == 0
    )
    return result


# --- Drill: a worker killed mid-batch ----------------------------------------------------------------------


def drill_worker(batch: int = 200) -> dict:
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from forum_portal.notify.models import OutgoingEmail
    from forum_portal.notify.services import queue_email, sweep_outbox

    sink = SmtpSink(delay=0.05)
    env = portal_env(
        database_port=int(POSTGRES.rsplit(":", 1)[1]), redis_url=REDIS, email_url=f"smtp://127.0.0.1:{sink.port}"
    )
    forget_queue()
    first = start_worker(env, "batch-worker-1")
    second = None
    run = uuid.uuid4().hex[:8]
    try:
        with transaction.atomic():
            for number in range(batch):
                queue_email(
                    kind="account",
                    to=f"batch-{number}@example.org",
                    subject=f"Batch message {number}",
                    body_text="Part of the worker drill.",
                    dedupe_key=f"drill:{run}:{number}",
                )
        rows = OutgoingEmail.objects.filter(dedupe_key__startswith=f"drill:{run}:")
        wait_until(lambda: sum(sink.received.values()) >= batch // 3, 60, "a third of the batch to go out")
        first.stop(signal.SIGKILL)
        at_kill = {
            "delivered": sum(sink.received.values()),
            "left_sending": rows.filter(status=OutgoingEmail.Status.SENDING).count(),
        }
        dead_workers_rows = set(rows.filter(status=OutgoingEmail.Status.SENDING).values_list("pk", flat=True))
        second = start_worker(env, "batch-worker-2")

        def settled():
            """The new worker has sent all it was given: only the dead worker's rows are left sending."""
            sent = rows.filter(status=OutgoingEmail.Status.SENT).count()
            time.sleep(2)
            sending = set(rows.filter(status=OutgoingEmail.Status.SENDING).values_list("pk", flat=True))
            return sending == dead_workers_rows and rows.filter(status=OutgoingEmail.Status.SENT).count() == sent

        wait_until(settled, 120, "the new worker to send what was waiting")
        # What the dead worker held is found by the sweeper once it is older than NOTIFY_STALE_AFTER;
        # the drill runs the sweep as of then instead of waiting.
        later = timezone.now() + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1)
        swept = sweep_outbox(now=later)
        wait_until(lambda: rows.filter(status=OutgoingEmail.Status.SENT).count() == batch, 120, "the batch to finish")
        ids = {str(pk) for pk in rows.values_list("pk", flat=True)}
        result = {
            "batch": batch,
            "at_kill": at_kill,
            "sweep": swept,
            "sent": rows.filter(status=OutgoingEmail.Status.SENT).count(),
            "delivered_once": sum(1 for pk in ids if sink.received[pk] == 1),
            "delivered_twice_or_more": sum(1 for pk in ids if sink.received[pk] > 1),
            "never_delivered": sum(1 for pk in ids if sink.received[pk] == 0),
        }
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()
        sink.stop()
    # A message in flight when the worker died may have reached the mail server after all (its
    # "250" and the worker's death cross): it goes again. Nothing else may be doubled or lost.
    result["passed"] = (
        result["sent"] == batch
        and result["never_delivered"] == 0
        and result["delivered_twice_or_more"] <= result["at_kill"]["left_sending"]
    )
    return result


# --- Main ------------------------------------------------------------------------------------------


def main(wanted: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for log in OUT.glob("*.log"):
        log.unlink()
    started = time.monotonic()
    accounts = build_database()
    django_setup()
    results: dict[str, dict] = {}
    try:
        for name in wanted:
            print(f"--- {name}", flush=True)
            began = time.monotonic()
            try:
                if name == "load":
                    results[name] = run_load(accounts)
                elif name == "database":
                    results[name] = drill_database(accounts)
                elif name == "redis":
                    results[name] = drill_redis(accounts)
                elif name == "worker":
                    results[name] = drill_worker()
            except (AssertionError, OSError) as error:
                results[name] = {"error": repr(error), "passed": False}
            results[name]["took_seconds"] = round(time.monotonic() - began, 1)
            print(json.dumps(results[name], indent=1), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        forget_queue()
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(OUT / "static", ignore_errors=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nTook {time.monotonic() - started:.0f} s. Results in var/drills/results.json")
    for name, result in results.items():
        print(f"{name:<10}{'passed' if result['passed'] else 'FAILED'}")
    return 0 if all(result["passed"] for result in results.values()) else 1


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["load", "database", "redis", "worker"]
    unknown = set(chosen) - {"load", "database", "redis", "worker"}
    if unknown:
        raise SystemExit(f"unknown drill(s) {sorted(unknown)}; choose from load, database, redis, worker")
    sys.exit(main(chosen))
