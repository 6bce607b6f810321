"""``make drills``: the load test and the fault drills, on 127.0.0.1 only, bounded in time.

    python loadtest/run.py [load] [database] [redis] [worker]     (no argument: all four)

Each run makes a PostgreSQL server of its own (initdb into a temporary folder, pg_ctl on a free
port of 127.0.0.1; as the ``postgres`` user when run as root) and a redis-server of its own (the
broker, on a free port, keeping nothing on disk), builds its database there (demo data plus an
account per simulated person), and serves the portal with gunicorn (DEBUG off) and, for the email
drills, a Celery worker and an SMTP sink. The machine's own PostgreSQL and Redis are never used,
so the drills can stop and start real servers. Everything it started is stopped and the servers'
folders deleted at the end (PostgreSQL's log is kept as var/drills/postgres.log). Figures are
printed and written to var/drills/results.json.

- load: Locust, LOAD_USERS (50) people for LOAD_SECONDS (60): visitors reading; parent carers
  browsing and answering the open consultation (an answer counts as sent only when the "sent"
  page shows); officers reading results; forum staff approving consultations waiting for review
  (LOAD_IN_REVIEW of them; a refusal because another staff member approved it first is not an
  error); a load balancer polling /healthz. Reports requests, failures, p50, p95 and requests a second, and
  holds what Locust saw against the database: a receipt queued for every answer sent, every
  approval one consultation approved once.
- database: the same Locust load, and SENDERS (6) more parents answering and sending in a loop,
  while the drills' PostgreSQL server is stopped (``pg_ctl stop -m fast``), kept down DRILL_DOWN_SECONDS (8) and
  started again. Every request is logged; those while it is down must be the 500 page (or /healthz's
  503, or a page that needs no database), quickly; every request after the start must succeed; and
  no sent answer may be half saved (each has every required answer, and its receipt).
- redis: the broker is stopped while parent carers read pages, send answers (each queues a
  receipt) and ask for password resets: pages and sends keep working, the emails wait in the
  outbox; the broker is started again (empty) and the sweeper runs; each parent sends once more.
  Every one of those emails reaches the SMTP sink exactly once.
- worker: a batch of 200 emails queued as reminder sweeps queue them (a hundred to a message,
  notify.send_emails_task); the worker is killed (SIGKILL) part-way through both messages; a new
  worker and the sweeper finish the batch, and the broker's redelivery of the dead worker's
  messages (brought forward) sends nothing again: nothing lost, and nothing sent twice but what
  was in flight at the kill (SMTP cannot tell the sender whether a message whose reply it never
  heard arrived).

Environment: DRILLS_PG_BIN (the folder of initdb and pg_ctl; found on its own on Debian and with
pg_config), DRILLS_REDIS_SERVER (the redis-server program; default: on PATH), LOCUST (the locust
program; default .venv/bin/locust).
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
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.pages import answers_for, is_error_page  # noqa: E402

PYTHON = sys.executable
DATABASE = "forum_portal_drills"
LOAD_USERS = int(os.environ.get("LOAD_USERS", "50"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
# Consultations waiting for review: more than the simulated staff approve in the load test and
# the database drill together (about one each per six seconds).
IN_REVIEW = int(os.environ.get("LOAD_IN_REVIEW", str(max(50, LOAD_USERS * LOAD_SECONDS // 20))))
DOWN_SECONDS = float(os.environ.get("DRILL_DOWN_SECONDS", "8"))
OUT = ROOT / "var" / "drills"
QUEUE = "drills"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- A PostgreSQL server of the drills' own --------------------------------------------------------


def postgres_bin() -> Path:
    """Where initdb and pg_ctl are: DRILLS_PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian,
    Ubuntu), else pg_config's answer, else the folder of the initdb on PATH."""
    if os.environ.get("DRILLS_PG_BIN"):
        return Path(os.environ["DRILLS_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    if found:
        return found[-1].parent
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        )
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    raise SystemExit("PostgreSQL's initdb and pg_ctl were not found; set DRILLS_PG_BIN to their folder")


class PrivatePostgres:
    """A PostgreSQL cluster made for the drills with initdb, in a temporary folder, listening on a
    free port of 127.0.0.1 only, so the database drill can stop and start a real server without
    touching the machine's own. initdb refuses to run as root: run as root, the cluster belongs to
    the ``postgres`` user. ``remove()`` stops it and deletes the folder."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="forum-portal-drills-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        self.running = False
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres", "postgres")
        try:
            self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
            self.start()
        except BaseException:
            self.remove()
            raise

    def _pg(self, program: str, *args: str, timeout: int = 120) -> None:
        result = subprocess.run(
            [*self.as_owner, str(self.bin / program), *args],
            cwd=self.folder, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"{program} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "postgres.log"), "-o", options, "-w", "start")
        self.running = True

    def stop(self) -> None:
        """A fast shutdown, as a restart by the service manager does: open transactions are rolled
        back and every connection is closed."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def psql(self, sql: str) -> None:
        subprocess.run(
            [str(self.bin / "psql"), f"{self.url}/postgres", "-q", "-c", sql],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():  # running, or a start that did not finish
                self.stop()
        finally:
            with contextlib.suppress(OSError):
                shutil.copy(self.folder / "postgres.log", OUT / "postgres.log")
            shutil.rmtree(self.folder, ignore_errors=True)


CLUSTER: PrivatePostgres | None = None  # made by main()


# --- A Redis server of the drills' own -----------------------------------------------------------


class PrivateRedis:
    """The broker: a redis-server started for the drills on a free port of 127.0.0.1, keeping
    nothing on disk, so the Redis drill can stop and start a real server without touching the
    machine's own (a restart finds it empty, as after a crash)."""

    def __init__(self):
        self.program = os.environ.get("DRILLS_REDIS_SERVER") or shutil.which("redis-server")
        if not self.program:
            raise SystemExit("redis-server was not found; install Redis or set DRILLS_REDIS_SERVER")
        self.folder = Path(tempfile.mkdtemp(prefix="forum-portal-drills-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None
        self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.process.poll() is None

    def start(self) -> None:
        self.process = Process(
            "redis",
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no"],
            os.environ.copy(),
        )  # fmt: skip
        wait_until(self.ping, 30, "redis-server to start")

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def flush(self) -> None:
        """Forget every message (what earlier parts handed over and no worker took)."""
        import redis

        redis.Redis.from_url(self.url).flushall()

    def stop(self) -> None:
        self.process.stop()

    def remove(self) -> None:
        if self.running:
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


BROKER: PrivateRedis | None = None  # made by main()


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


def portal_env(*, email_url: str = "consolemail://") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="drills-only-secret-key-" + "d" * 40,
        DJANGO_HTTPS="0",  # plain HTTP on loopback; everything else as in production
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{CLUSTER.url}/{DATABASE}",
        REDIS_URL=BROKER.url,
        FRAGMENT_CACHE_URL=BROKER.url.removesuffix("/0") + "/1",  # as in production: a database of its own
        CELERY_QUEUE=QUEUE,
        EMAIL_URL=email_url,
        STATIC_ROOT=str(OUT / "static"),
        LOG_LEVEL="WARNING",
        ACCOUNT_LOGIN_FAILED_LIMIT="1000/m/ip,1000/m/key",
        NOTIFY_QUIET_HOURS="",  # the drills measure delivery, whatever the hour they run at
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


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


# Sync workers: two a core on the machine the figures in docs/operations.md come from.
GUNICORN_WORKERS = 4


def start_gunicorn(env: dict[str, str], *, workers: int = GUNICORN_WORKERS) -> tuple[Process, str]:
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


class Reply(NamedTuple):
    status: int  # 0: no answer at all (refused, reset, timed out)
    body: str
    seconds: float
    url: str  # where it ended, after redirects
    at: float  # when it began (time.time(), as Locust logs it)


class Browser:
    """A person's browser, reduced to cookies and redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None, timeout: float = 30) -> Reply:
        """A GET, or a POST of ``data``, which carries the CSRF cookie as its token."""
        if data is not None:
            token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
            data = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        url = path if path.startswith("http") else self.base + path
        at, started = time.time(), time.perf_counter()
        try:
            with self.opener.open(url, data=data, timeout=timeout) as response:
                body = response.read().decode(errors="replace")
                return Reply(response.status, body, time.perf_counter() - started, response.url, at)
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            return Reply(error.code, body, time.perf_counter() - started, error.url, at)
        except OSError as error:
            return Reply(0, repr(error), time.perf_counter() - started, url, at)

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
        reply = self.request("/account/")
        if reply.status != 200 or "Your account" not in reply.body:
            raise AssertionError(f"the session made for the drill does not sign in: {reply.status}")

    def step(self, name: str, url: str, data: dict | None, succeeded, log: list[dict] | None) -> Reply:
        """A request, added to ``log`` as Locust logs its own; ``succeeded(reply)`` says whether a
        200 is what was asked for (the next page, not the form shown again)."""
        reply = self.request(url, data)
        if log is not None:
            log.append(
                {
                    "at": reply.at,
                    "seconds": round(reply.seconds, 4),
                    "name": name,
                    "status": reply.status,
                    "error_page": is_error_page(reply.body),
                    "ok": reply.status == 200 and succeeded(reply),
                }
            )
        return reply

    def answer(self, consultation: int, log: list[dict] | None = None) -> bool:
        """Answer the consultation's questions page by page and send them, as in the load test;
        True once the "sent" page shows."""
        answering = f"/consultations/{consultation}/answer/"
        reply = self.step("GET /consultations/[id]/answer/", answering, None, lambda r: path(r) == answering, log)
        for _ in range(5):  # a page of questions after another, then the check page
            if reply.status != 200 or not path(reply).startswith(answering):
                return False
            if path(reply) == f"{answering}check/":
                break
            before = reply.url
            reply = self.step(
                "POST /consultations/[id]/answer/ (continue)",
                before,
                {**answers_for(reply.body), "continue": ""},
                lambda r, before=before: r.url != before and path(r).startswith(answering),
                log,
            )
            if reply.url == before:
                return False
        else:
            return False
        return self.send(consultation, log)

    def send(self, consultation: int, log: list[dict] | None = None) -> bool:
        """Press "Send my answers" on the check page (open already, or not)."""
        sent = f"/consultations/{consultation}/answer/sent/"
        check = f"/consultations/{consultation}/answer/check/"
        reply = self.step("POST /consultations/[id]/answer/check/ (send)", check, {}, lambda r: path(r) == sent, log)
        return reply.status == 200 and path(reply) == sent


def path(reply: Reply) -> str:
    return urllib.parse.urlsplit(reply.url).path


# --- Set-up -------------------------------------------------------------------------------------------


def build_database() -> dict:
    """A fresh database with demo data and one account per simulated person; returns the accounts."""
    CLUSTER.psql(f"CREATE DATABASE {DATABASE}")
    env = portal_env()
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
    """Use Django in this process, on the drill database."""
    os.environ.update(portal_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "forum_portal.settings"
    import django

    django.setup()


# --- Load --------------------------------------------------------------------------------------------


def locust(base: str, *, seconds: float, name: str, request_log: Path | None = None) -> tuple[list[str], dict]:
    """The Locust command and environment for LOAD_USERS people on ``base`` for ``seconds``, with
    its figures under var/drills/<name>_*.csv and what the people did in <name>-outcomes.json."""
    program = os.environ.get("LOCUST") or str(ROOT / ".venv" / "bin" / "locust")
    if not Path(program).exists() and shutil.which(program) is None:
        raise SystemExit(f"Locust is not installed at {program}: pip install -r requirements-dev.txt, or set LOCUST")
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(OUT / "accounts.json"),
        "LOAD_OUTCOMES": str(OUT / f"{name}-outcomes.json"),
    }
    if request_log is not None:
        env["LOAD_REQUEST_LOG"] = str(request_log)
    command = [
        program, "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "--users", str(LOAD_USERS),
        "--spawn-rate", "10", "--run-time", f"{seconds:.0f}s", "--host", base, "--csv", str(OUT / name),
        "--only-summary", "--loglevel", "WARNING",
        # At the end each person finishes what they are doing (an answer half sent would be saved
        # but not counted), up to 20 s.
        "--stop-timeout", "20",
    ]  # fmt: skip
    return command, env


def run_load(accounts: dict) -> dict:
    from django.db.models import Count

    from consultations.models import Consultation, ConsultationEvent
    from forum_portal.audit.models import AuditEvent
    from forum_portal.notify.models import OutgoingEmail

    server, base = start_gunicorn(portal_env())
    prefix = OUT / "locust"
    command, env = locust(base, seconds=LOAD_SECONDS, name="locust")
    try:
        subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=LOAD_SECONDS + 150)
    finally:
        server.stop()
    with open(f"{prefix}_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    outcomes = json.loads((OUT / "locust-outcomes.json").read_text())
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


# --- Drill: PostgreSQL restarted ---------------------------------------------------------------------


# Parent carers who, beside the Locust load, answer and send again and again in the database drill,
# so that answers are being saved at the moment the server stops. When a page cannot be opened they
# press "Send" on the check page they have open, so sends reach the portal while the server is down.
SENDERS = 6


def drill_database(accounts: dict) -> dict:
    """The Locust load runs, with SENDERS more parents sending answers, while the drills'
    PostgreSQL server is stopped (fast shutdown), kept down DRILL_DOWN_SECONDS and started again.
    Every request is logged with when it began and how long it took, and sorted by how it stood to
    the outage."""
    from django.db import connections

    from loadtest.checks import half_saved_answers

    warm_up = 10  # seconds: every simulated person started and at work
    consultation = accounts["places"]["open_consultation"]
    log_path = OUT / "database-requests.jsonl"
    log_path.unlink(missing_ok=True)
    server, base = start_gunicorn(portal_env())
    command, env = locust(base, seconds=warm_up + DOWN_SECONDS + 20, name="database", request_log=log_path)
    load = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    senders_log: list[dict] = []
    stop_sending = threading.Event()

    def send_again_and_again(browser: Browser) -> None:
        while not stop_sending.is_set():
            if not browser.answer(consultation, senders_log):
                browser.send(consultation, senders_log)
            time.sleep(0.1)

    senders = []
    for account in accounts["parent"][-SENDERS:]:
        browser = Browser(base)
        browser.use_session(account["session"])
        senders.append(threading.Thread(target=send_again_and_again, args=(browser,), daemon=True))
    for sender in senders:
        sender.start()
    try:
        time.sleep(warm_up)
        stopping = time.time()
        CLUSTER.stop()
        stopped = time.time()
        time.sleep(DOWN_SECONDS)
        starting = time.time()
        CLUSTER.start()
        started = time.time()
        load.wait(timeout=warm_up + DOWN_SECONDS + 150)
    finally:
        stop_sending.set()
        for sender in senders:
            sender.join(timeout=30)
        if load.poll() is None:
            load.kill()
        server.stop()
        if not CLUSTER.running:
            CLUSTER.start()
    connections.close_all()  # this process's connection died with the server
    requests = [json.loads(line) for line in log_path.read_text().splitlines()] + senders_log
    result = {
        "users": LOAD_USERS,
        "down_seconds": round(starting - stopped, 1),
        "stop_took_seconds": round(stopped - stopping, 2),
        "start_took_seconds": round(started - starting, 2),
        **outage_report(requests, stopping=stopping, stopped=stopped, starting=starting, started=started),
    }
    outcomes = json.loads((OUT / "database-outcomes.json").read_text())
    result["answers_sent"] = outcomes.get("answers sent", 0) + sum(
        1 for r in senders_log if r["ok"] and r["name"].endswith("(send)")
    )
    # Answers posted while the server was going, gone or coming back: what could have been half saved.
    result["answer_posts_during_the_outage"] = sum(
        1
        for r in requests
        if r["name"].startswith("POST /consultations/[id]/answer/")
        and stopping <= r["at"] + r["seconds"]
        and r["at"] < started
    )
    result["answers"] = half_saved_answers(accounts["places"]["open_consultation"])
    result["passed"] = (
        result["before"]["failed"] == 0
        and result["while_down"]["requests"] > 0
        and result["while_down"]["other"] == 0
        and result["while_down"]["slowest_seconds"] < 5
        and result["across_the_stop_and_start"]["other"] == 0
        and result["after"]["requests"] > 0
        and result["after"]["failed"] == 0
        and result["answers_sent"] > 0
        and result["answer_posts_during_the_outage"] > 0
        and result["answers"]["missing_a_required_answer"] == 0
        and result["answers"]["without_their_receipt"] == 0
    )
    return result


def outage_report(requests: list[dict], *, stopping: float, stopped: float, starting: float, started: float) -> dict:
    """Sort logged requests (``at``: when each began, ``seconds``: how long it took) by how they
    stood to an outage: the stop asked at ``stopping``, the server gone at ``stopped``, the start
    asked at ``starting``, the server ready at ``started``.

    - before: ended before the stop was asked; each must have succeeded.
    - while down: began once the server was gone and ended before the start was asked; each must be
      the 500 page, /healthz's 503, or a page that needs no database (the about page, the sign-in
      form for a visitor) shown as usual; ``other`` counts anything else.
    - across the stop and start: the rest of those that began before the server was ready; each a
      success, the 500 page or the 503 (``other``: anything else, such as a hang or a reset).
    - after: began once the server was ready; each must have succeeded.
    """

    def expected_failure(request: dict) -> bool:
        return (request["status"] == 500 and request["error_page"]) or (
            request["name"] == "GET /healthz" and request["status"] == 503
        )

    before = [r for r in requests if r["at"] + r["seconds"] < stopping]
    down = [r for r in requests if r["at"] >= stopped and r["at"] + r["seconds"] <= starting]
    after = [r for r in requests if r["at"] >= started]
    across = [
        r for r in requests if r["at"] < started and r["at"] + r["seconds"] >= stopping and not (
            r["at"] >= stopped and r["at"] + r["seconds"] <= starting
        )
    ]  # fmt: skip
    first_success = min((r["at"] + r["seconds"] for r in after if r["ok"]), default=None)
    return {
        "requests": len(requests),
        "before": {"requests": len(before), "failed": sum(1 for r in before if not r["ok"])},
        "while_down": {
            "requests": len(down),
            "the_500_page": sum(1 for r in down if r["status"] == 500 and r["error_page"]),
            "healthz_503": sum(1 for r in down if r["name"] == "GET /healthz" and r["status"] == 503),
            "served_without_the_database": sum(1 for r in down if r["ok"]),
            "other": sum(1 for r in down if not r["ok"] and not expected_failure(r)),
            "slowest_seconds": round(max((r["seconds"] for r in down), default=0), 3),
        },
        "across_the_stop_and_start": {
            "requests": len(across),
            "succeeded": sum(1 for r in across if r["ok"]),
            "the_500_page_or_503": sum(1 for r in across if expected_failure(r)),
            "other": sum(1 for r in across if not r["ok"] and not expected_failure(r)),
        },
        "after": {
            "requests": len(after),
            "failed": sum(1 for r in after if not r["ok"]),
            "first_success_seconds_after_start": (
                round(first_success - started, 2) if first_success is not None else None
            ),
        },
    }


# --- Drill: Redis stopped --------------------------------------------------------------------------------


def settle_outbox() -> int:
    """Send what the earlier parts left in the outbox (the load test's receipts, among others), so
    an email drill hands over and counts only its own. Runs the sweeper as of NOTIFY_STALE_AFTER
    from now, so rows handed over to the broker before it was emptied are handed over again; the
    sweeper takes SWEEP_BATCH rows a run. Returns how many were waiting."""
    from django.utils import timezone

    from forum_portal.notify.models import OutgoingEmail
    from forum_portal.notify.services import SWEEP_BATCH, sweep_outbox

    waiting = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING], not_before__lte=timezone.now()
    )
    found = waiting.count()
    while left := waiting.count():
        sweep_outbox(now=as_of_a_later_sweep())
        wait_until(lambda left=left: waiting.count() <= max(0, left - SWEEP_BATCH), 180, "the outbox to settle")
    return found


def as_of_a_later_sweep():
    """The moment the sweeper would find rows handed over (or left sending) now to be stale."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    return timezone.now() + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1)


def drill_redis(accounts: dict) -> dict:
    """The drills' own redis-server (the broker, and the page fragments' cache) is stopped while
    parent carers and visitors read pages, parents send their answers (each queues a receipt) and
    visitors ask for password resets; then it is started again (empty, as after a crash) and the
    outbox sweeper runs, as beat runs it every minute. Then each parent sends once more, with the
    broker back. Every one of those emails must reach the SMTP sink exactly once."""
    from forum_portal.notify.models import OutgoingEmail
    from forum_portal.notify.services import sweep_outbox

    consultation = accounts["places"]["open_consultation"]
    people = accounts["parent"][:10]
    sink = SmtpSink()
    env = portal_env(email_url=f"smtp://127.0.0.1:{sink.port}")
    server, base = start_gunicorn(env)
    BROKER.flush()
    worker = start_worker(env, "redis-drill-worker")
    try:
        backlog = settle_outbox()
        first_new = (OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        browsers = []
        for account in people:
            browser = Browser(base)
            browser.use_session(account["session"])
            browsers.append(browser)

        BROKER.stop()
        pages, sends, resets = [], [], []
        for browser, account in zip(browsers, people, strict=True):
            for page in ("/", "/account/", "/consultations/", f"/consultations/{consultation}/"):
                pages.append(browser.request(page))
            log: list[dict] = []
            sends.append((browser.answer(consultation, log), log[-1]["seconds"]))
            visitor = Browser(base)
            for page in ("/", "/information/guides/", "/consultations/"):
                pages.append(visitor.request(page))  # their fragments are kept in Redis too
            visitor.request("/accounts/password/reset/")
            resets.append(visitor.request("/accounts/password/reset/", {"email": account["email"]}))
        away = OutgoingEmail.objects.filter(pk__gte=first_new)
        while_away = {
            "statuses": dict(collections.Counter(away.values_list("status", flat=True))),
            "handed_to_the_broker": away.exclude(dispatched_at=None).count(),
            "delivered": sum(sink.received[str(pk)] for pk in away.values_list("pk", flat=True)),
        }

        BROKER.start()
        restarted = time.monotonic()
        swept = sweep_outbox()  # beat runs it every minute; here it runs once, now
        first_after = (OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        sent_after = [browser.answer(consultation) for browser in browsers]
        after = OutgoingEmail.objects.filter(pk__gte=first_after)
        handed_at_once = after.exclude(dispatched_at=None).count()
        ours = OutgoingEmail.objects.filter(pk__gte=first_new)

        def all_sent() -> bool:
            return not ours.exclude(status=OutgoingEmail.Status.SENT).exists()

        # The worker finds the broker again on its own schedule (its retries back off).
        sent_only_by_a_later_sweep = 0
        try:
            wait_until(all_sent, 60, "the waiting emails to go out")
        except AssertionError:
            # What was not handed over, or was lost on the way, waits for the sweep that finds it
            # NOTIFY_STALE_AFTER old; the drill runs that sweep now instead of waiting.
            sent_only_by_a_later_sweep = ours.exclude(status=OutgoingEmail.Status.SENT).count()
            sweep_outbox(now=as_of_a_later_sweep())
            wait_until(all_sent, 60, "the emails the later sweep handed over")
        ids = [str(pk) for pk in ours.values_list("pk", flat=True)]
        result = {
            "earlier_emails_sent_first": backlog,
            "pages_while_away": dict(collections.Counter(reply.status for reply in pages)),
            "slowest_page_seconds": round(max(reply.seconds for reply in pages), 2),
            "answers_sent_while_away": sum(1 for sent, _ in sends if sent),
            "send_seconds": sorted(round(seconds, 2) for _, seconds in sends),
            "password_resets_while_away": dict(collections.Counter(reply.status for reply in resets)),
            "reset_seconds": sorted(round(reply.seconds, 2) for reply in resets),
            "emails_while_away": while_away,
            "sweep_after_restart": swept,
            "answers_sent_after_restart": sum(sent_after),
            "their_receipts_handed_over_at_once": handed_at_once,
            "all_sent_seconds_after_restart": round(time.monotonic() - restarted, 1),
            "sent_only_by_a_later_sweep": sent_only_by_a_later_sweep,
            "emails": len(ids),
            "delivered_once": sum(1 for pk in ids if sink.received[pk] == 1),
            "delivered_twice_or_more": sum(1 for pk in ids if sink.received[pk] > 1),
            "never_delivered": sum(1 for pk in ids if sink.received[pk] == 0),
        }
    finally:
        if not BROKER.running:
            BROKER.start()
        worker.stop()
        server.stop()
        sink.stop()
    people_count = len(people)
    result["passed"] = (
        set(result["pages_while_away"]) == {200}
        and result["answers_sent_while_away"] == people_count
        and set(result["password_resets_while_away"]) == {200}
        and result["slowest_page_seconds"] < 5
        and max(result["send_seconds"]) < 5
        and max(result["reset_seconds"]) < 5
        and while_away["statuses"] == {"queued": 2 * people_count}
        and while_away["handed_to_the_broker"] == 0
        and while_away["delivered"] == 0
        and result["answers_sent_after_restart"] == people_count
        and result["emails"] == 3 * people_count
        and result["delivered_once"] == result["emails"]
    )
    return result


# --- Drill: a worker killed mid-batch ----------------------------------------------------------------------


def drill_worker(batch: int = 200) -> dict:
    """A batch of emails queued as a reminder sweep queues them (``queue_emails``: handed to the
    workers DISPATCH_BATCH to a message, ``notify.send_emails_task``); the worker is killed
    (SIGKILL) while both its processes are part-way through a message. What it held is not given
    to anyone else by the broker (its messages stay unacknowledged until Redis's visibility timeout,
    an hour), so a new worker alone sends nothing of it: the sweeper, finding those rows stale,
    hands them over again, and the new worker sends them. Then the broker's own redelivery of the
    dead worker's messages is brought forward (kombu's restore, with no visibility timeout): it
    must send nothing a second time."""
    from django.db import transaction
    from kombu import Connection

    from forum_portal.notify.models import OutgoingEmail
    from forum_portal.notify.services import DISPATCH_BATCH, queue_emails, sweep_outbox

    sink = SmtpSink(delay=0.05)
    env = portal_env(email_url=f"smtp://127.0.0.1:{sink.port}")
    BROKER.flush()
    first = start_worker(env, "batch-worker-1")
    second = None
    run = uuid.uuid4().hex[:8]
    try:
        settle_outbox()
        with transaction.atomic():
            queue_emails(
                [
                    {
                        "kind": "account",
                        "to": f"batch-{number}@example.org",
                        "subject": f"Batch message {number}",
                        "body_text": "Part of the worker drill.",
                        "dedupe_key": f"drill:{run}:{number}",
                    }
                    for number in range(batch)
                ]
            )
        rows = OutgoingEmail.objects.filter(dedupe_key__startswith=f"drill:{run}:")
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)]

        def delivered() -> int:
            return sum(sink.received[pk] for pk in ids)

        wait_until(lambda: delivered() >= batch // 3, 60, "a third of the batch to go out")
        first.stop(signal.SIGKILL)
        at_kill = {
            "delivered": delivered(),
            "sent": rows.filter(status=OutgoingEmail.Status.SENT).count(),
            "left_sending": rows.filter(status=OutgoingEmail.Status.SENDING).count(),
            "left_queued": rows.filter(status=OutgoingEmail.Status.QUEUED).count(),
        }
        second = start_worker(env, "batch-worker-2")
        time.sleep(3)
        sent_by_the_new_worker_alone = rows.filter(status=OutgoingEmail.Status.SENT).count() - at_kill["sent"]
        # What the dead worker held is found by the sweeper once it is older than
        # NOTIFY_STALE_AFTER; the drill runs that sweep now, as of then, instead of waiting.
        swept = sweep_outbox(now=as_of_a_later_sweep())
        wait_until(lambda: rows.filter(status=OutgoingEmail.Status.SENT).count() == batch, 120, "the batch to finish")
        deliveries_before_redelivery = delivered()
        with Connection(BROKER.url, transport_options={"visibility_timeout": 0}) as connection:
            unacknowledged = connection.default_channel.client.hlen("unacked")
            connection.default_channel.qos.restore_visible(num=100)
            client = connection.default_channel.client
            wait_until(
                lambda: client.hlen("unacked") == 0 and client.llen(QUEUE) == 0,
                60,
                "the new worker to take the dead worker's messages",
            )
        time.sleep(2)  # the last of them finishing
        result = {
            "batch": batch,
            "messages": -(-batch // DISPATCH_BATCH),
            "at_kill": at_kill,
            "sent_by_the_new_worker_alone": sent_by_the_new_worker_alone,
            "sweep": swept,
            "sent": rows.filter(status=OutgoingEmail.Status.SENT).count(),
            "dead_workers_messages_redelivered": unacknowledged,
            "sent_again_on_redelivery": delivered() - deliveries_before_redelivery,
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
        and result["delivered_twice_or_more"] <= at_kill["left_sending"]
        and at_kill["left_queued"] > 0
        and result["dead_workers_messages_redelivered"] > 0
        and result["sent_again_on_redelivery"] == 0
    )
    return result


# --- Summary -----------------------------------------------------------------------------------------------


def figures(name: str, result: dict) -> list[str]:
    """The lines of figures the summary table shows for one part's result."""
    if "error" in result:
        return [result["error"]]
    r = result
    if name == "load":
        return [
            f"{r['users']} users, {r['seconds']} s: {r['requests']} requests, {r['failures']} failures, "
            f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['requests_per_second']} requests/s",
            f"{r['answers_sent']} answers sent ({r['receipts_queued']} receipts queued); {r['approvals']} approvals "
            f"({r['approvals_taken_by_another']} refused: another approved first); "
            f"{r['consultations_approved_twice']} consultations approved twice",
        ]
    if name == "database":
        down, after, answers = r["while_down"], r["after"], r["answers"]
        return [
            f"PostgreSQL down {r['down_seconds']} s under {r['users']} users: {down['requests']} requests, "
            f"{down['the_500_page']} the 500 page, {down['healthz_503']} /healthz 503, "
            f"{down['served_without_the_database']} served without it, {down['other']} other; "
            f"slowest {down['slowest_seconds']} s",
            f"after the start: first success in {after['first_success_seconds_after_start']} s, "
            f"{after['failed']} of {after['requests']} failed; {r['answer_posts_during_the_outage']} answer posts "
            f"in the outage, {answers['sent']} responses sent, {answers['missing_a_required_answer']} half saved, "
            f"{answers['without_their_receipt']} without receipt",
        ]
    if name == "redis":
        return [
            f"Redis down: pages {r['pages_while_away']} (slowest {r['slowest_page_seconds']} s), "
            f"{r['answers_sent_while_away']} answers sent (slowest send {max(r['send_seconds'])} s), "
            f"resets {r['password_resets_while_away']} (slowest {max(r['reset_seconds'])} s)",
            f"{r['emails']} emails: delivered once {r['delivered_once']}, twice {r['delivered_twice_or_more']}, "
            f"never {r['never_delivered']}; all sent {r['all_sent_seconds_after_restart']} s after the restart",
        ]
    if name == "worker":
        kill = r["at_kill"]
        return [
            f"{r['batch']} emails in {r['messages']} messages; killed after {kill['delivered']} delivered, "
            f"{kill['left_sending']} in flight, {kill['left_queued']} waiting in its messages",
            f"sweep handed over {r['sweep']['dispatched']}; delivered once {r['delivered_once']}, twice "
            f"{r['delivered_twice_or_more']}, never {r['never_delivered']}; redelivery sent "
            f"{r['sent_again_on_redelivery']} again",
        ]
    return []


def summary_table(results: dict[str, dict]) -> str:
    """One row a part: its name, passed or FAILED, and its main figures."""
    lines = [f"{'part':<10}{'result':<8}figures"]
    for name, result in results.items():
        rows = figures(name, result) or [""]
        lines.append(f"{name:<10}{'passed' if result['passed'] else 'FAILED':<8}{rows[0]}")
        lines.extend(f"{'':<18}{row}" for row in rows[1:])
    return "\n".join(lines)


def about_this_run(cluster: "PrivatePostgres", broker: "PrivateRedis") -> dict:
    def version(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return ""

    return {
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": os.cpu_count(),
        # Other work on the machine as the run began (1, 5 and 15 minutes): it shares the cores.
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "postgresql": version(str(cluster.bin / "postgres"), "--version"),
        "redis": version(broker.program, "--version"),
        "gunicorn_workers": GUNICORN_WORKERS,
    }


# --- Main ------------------------------------------------------------------------------------------


def main(wanted: list[str]) -> int:
    global CLUSTER, BROKER
    OUT.mkdir(parents=True, exist_ok=True)
    for log in OUT.glob("*.log"):
        log.unlink()
    started = time.monotonic()
    results: dict[str, dict] = {}
    django_ready = False
    try:
        CLUSTER = PrivatePostgres()
        BROKER = PrivateRedis()
        about = about_this_run(CLUSTER, BROKER)
        accounts = build_database()
        django_setup()
        django_ready = True
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
            shown = {key: value for key, value in results[name].items() if key != "pages"}
            print(json.dumps(shown, indent=1), flush=True)
    finally:
        if django_ready:
            from django.db import connections

            connections.close_all()
        for server in (BROKER, CLUSTER):
            if server is not None:
                server.remove()
        shutil.rmtree(OUT / "static", ignore_errors=True)
    (OUT / "results.json").write_text(json.dumps({"about": about, "drills": results}, indent=1) + "\n")
    print(
        f"\nTook {time.monotonic() - started:.0f} s on {about['cores']} cores (load average as it began: "
        f"{', '.join(map(str, about['load_average']))}). Results in var/drills/results.json\n"
    )
    print(summary_table(results))
    return 0 if all(result["passed"] for result in results.values()) else 1


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["load", "database", "redis", "worker"]
    unknown = set(chosen) - {"load", "database", "redis", "worker"}
    if unknown:
        raise SystemExit(f"unknown drill(s) {sorted(unknown)}; choose from load, database, redis, worker")
    sys.exit(main(chosen))
