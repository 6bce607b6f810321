"""``make bench``: every key page measured against the floor page, on PostgreSQL, at two scales.

For each scale it builds a fresh database with ``seed_bench`` (timed: the large one must take under
three minutes) and counts each page's SQL queries (``bench_queries``); on the large data set it then
serves the portal with gunicorn (2 sync workers, DEBUG off) on 127.0.0.1 and drives each page with
wrk for a fixed time. The floor page is driven first and last, and each page's requests/s is
compared with the mean of the two, so a machine that got busier meanwhile shows in the table.

It then runs each app's benchmark jobs (``manage.py bench_job``: the CSV export, the reminder sweep),
each in a process of its own on the large data set, with the benchmark's own Redis as the broker
and no quiet hours, and times a real Celery worker on that Redis sending mail to an SMTP sink on
127.0.0.1. It prints a table, writes bench/results.json, stops and drops everything it started
(databases, processes, the Redis database), and exits with status 1 when a target is missed,
after listing each one.

Environment: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432), BENCH_SECONDS (15),
BENCH_CONNECTIONS (8), BENCH_SCALES (small,large), BENCH_REDIS (redis://127.0.0.1:6379/15, emptied
before and after), BENCH_EMAILS (2000).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SCALES = os.environ.get("BENCH_SCALES", "small,large").split(",")
MAX_QUERIES = 12
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")
EMAILS = int(os.environ.get("BENCH_EMAILS", "2000"))
MIN_EMAILS_PER_SECOND = 100
MAX_SEED_SECONDS = 180  # the large data set, built with bulk inserts


def portal_env(database: str, static_root: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-" + "b" * 40,
        DJANGO_HTTPS="0",  # plain HTTP on loopback; everything else as in production
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{POSTGRES}/{database}",
        BENCH_FLOOR_PAGE="1",
        FRAGMENT_CACHE_URL=REDIS,  # as in production: page fragments in Redis
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{POSTGRES}/postgres", "-q", "-c", sql], check=True, capture_output=True, timeout=120)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def drive(url: str, cookie: str = "") -> dict:
    headers = ["--header", f"Cookie: {cookie}"] if cookie else []
    result = subprocess.run(
        [
            "wrk",
            *headers,
            "--threads",
            "2",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{SECONDS}s",
            "--timeout",
            "10s",
            "--script",
            str(ROOT / "bench" / "latency.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        # wrk could not run, or printed no summary: the page is reported as failed, the others stand.
        print(f"wrk failed on {url}: {result.stderr.strip()[:300]}", flush=True)
        return {"rps": 0.0, "p50_ms": 0.0, "p95_ms": 0.0, "errors": -1}


def job_env(env: dict[str, str]) -> dict[str, str]:
    """A job's or the worker's environment: the benchmark's own Redis as the broker, so what they
    hand to workers goes nowhere else, and no quiet hours, so a run at night measures the same
    work (handing mail to the workers) as one by day."""
    return {**env, "REDIS_URL": REDIS, "NOTIFY_QUIET_HOURS": ""}


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    queries: dict[str, dict[str, dict]] = {}
    load: dict[str, dict] = {}
    seed_seconds: dict[str, float] = {}
    jobs: list[dict] = []
    email: dict = {}
    server = None
    try:
        for scale in SCALES:
            database = f"portal_bench_{scale}"
            psql(f"DROP DATABASE IF EXISTS {database}")
            psql(f"CREATE DATABASE {database}")
            empty_redis()  # no page fragment of the other scale's data
            env = portal_env(database, static_root)
            manage(env, "migrate", "--noinput")
            manage(env, "createcachetable")
            # Pages are rendered with production's static files storage, which needs the manifest.
            manage(env, "collectstatic", "--noinput")
            started = time.monotonic()
            print(manage(env, "seed_bench", "--scale", scale, timeout=900).strip())
            seed_seconds[scale] = round(time.monotonic() - started, 1)
            queries[scale] = {row["page"]: row for row in json.loads(manage(env, "bench_queries"))}

        scale = SCALES[-1]
        env = portal_env(f"portal_bench_{scale}", static_root)
        port = free_port()
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "forum_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/bench/floor/")
        for page, row in queries[scale].items():
            print(f"driving {page} ({row['path']}) for {SECONDS} s", flush=True)
            load[page] = drive(base + row["path"], row.get("cookie", ""))
        print(f"driving floor again for {SECONDS} s", flush=True)
        floor_again = drive(f"{base}/bench/floor/")
        load["floor"]["runs_rps"] = [load["floor"]["rps"], floor_again["rps"]]
        load["floor"]["rps"] = round((load["floor"]["rps"] + floor_again["rps"]) / 2, 1)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server = None

        empty_redis()
        for name in json.loads(manage(env, "bench_job", "--list")):
            print(f"running job {name}", flush=True)
            jobs.append(json.loads(manage(job_env(env), "bench_job", name, timeout=900).strip().splitlines()[-1]))
            empty_redis()  # the sweep's messages are for a database about to be dropped
        email = measure_email(env)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        for scale in SCALES:
            psql(f"DROP DATABASE IF EXISTS portal_bench_{scale}")
        shutil.rmtree(static_root, ignore_errors=True)
        empty_redis()

    missed = report(queries, load, seed_seconds, jobs, email)
    if missed:
        print(f"\n{len(missed)} target{'s' if len(missed) > 1 else ''} missed:")
        for line in missed:
            print(f"  - {line}")
        sys.exit(1)
    print("\nEvery target is met.")


def measure_email(env: dict[str, str]) -> dict:
    """Emails per second a real worker (2 processes) sends through the outbox to an SMTP sink,
    counted from the first INSERT, so handing them to the workers is part of the time."""
    empty_redis()
    smtp_port = free_port()
    env = {**job_env(env), "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    sink = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{smtp_port}"],
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "forum_portal", "worker", "--concurrency", "2", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        print(f"sending {EMAILS} emails through a worker to an SMTP sink", flush=True)
        result = json.loads(manage(env, "bench_email", "--count", str(EMAILS)).strip().splitlines()[-1])
    finally:
        for process in (worker, sink):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        empty_redis()
    return result


def report(queries: dict, load: dict, seed_seconds: dict, jobs: list[dict], email: dict) -> list[str]:
    """Print the table and write bench/results.json; returns the targets missed, one line each."""
    small, large = queries[SCALES[0]], queries[SCALES[-1]]
    both_scales = len(SCALES) > 1
    floor_rps = load["floor"]["rps"]
    rows = []
    for page, measured in load.items():
        ratio = measured["rps"] / floor_rps if floor_rps else 0.0
        rows.append(
            {
                "page": page,
                "path": large[page]["path"],
                "rps": measured["rps"],
                "p50_ms": measured["p50_ms"],
                "p95_ms": measured["p95_ms"],
                "errors": measured["errors"],
                "status": large[page]["status"],
                "queries_small": small[page]["queries"] if both_scales else None,
                "queries_large": large[page]["queries"],
                "ratio_to_floor": round(ratio, 2),
                "target_ratio": large[page]["target_ratio"],
            }
        )
    missed = []
    for row in rows:
        problems = []
        if row["queries_small"] is not None and row["queries_small"] != row["queries_large"]:
            problems.append("queries grow with data")
        if row["queries_large"] > MAX_QUERIES:
            problems.append(f"over {MAX_QUERIES} queries")
        if row["target_ratio"] is not None and row["ratio_to_floor"] < row["target_ratio"]:
            problems.append(f"under {row['target_ratio']} x floor")
        if row["status"] != 200:
            problems.append(f"answered {row['status']}")
        if row["errors"]:
            problems.append("wrk failed" if row["errors"] < 0 else f"{row['errors']} errors")
        row["meets_targets"] = not problems
        row["problems"] = problems
        missed += [f"{row['page']}: {problem}" for problem in problems]

    print()
    print(
        f"{'page':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'q small':>9}{'q large':>9}{'x floor':>9}"
        f"{'target':>8}  targets"
    )
    for row in rows:
        verdict = "ok" if row["meets_targets"] else "MISSED: " + ", ".join(row["problems"])
        target = f"{row['target_ratio']:.1f}" if row["target_ratio"] is not None else "-"
        q_small = row["queries_small"] if row["queries_small"] is not None else "-"
        print(
            f"{row['page']:<24}{row['rps']:>9.1f}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}"
            f"{q_small:>9}{row['queries_large']:>9}{row['ratio_to_floor']:>9.2f}{target:>8}  {verdict}"
        )
    floor_runs = load["floor"].get("runs_rps", [])
    print(f"floor page, first and last run: {' and '.join(f'{rps:.1f}' for rps in floor_runs)} req/s")
    if not both_scales:
        print("Only one scale was run: whether queries grow with the data was not checked.")

    print()
    by_name = {job["job"]: job for job in jobs}
    for job in jobs:
        against = by_name.get(job.get("flat_memory_against") or "")
        if against is not None:
            growth = job["peak_rss_mb"] - against["peak_rss_mb"]
            job["rss_growth_mb"] = round(growth, 1)
            if growth > job["flat_memory_mb"]:
                job["problems"].append(f"memory grows with rows ({growth:+.1f} MB over {against['job']!r})")
        verdict = "ok" if not job["problems"] else "MISSED: " + ", ".join(job["problems"])
        print(
            f"job {job['job']:<32}{job['seconds']:>7.2f} s{job['peak_rss_mb']:>8.1f} MB{job['queries']:>6} queries"
            f"  {job['figures']}  {verdict}"
        )
        missed += [f"job {job['job']}: {problem}" for problem in job["problems"]]

    email["meets_targets"] = email["per_second"] >= MIN_EMAILS_PER_SECOND
    print(
        f"email: {email['count']} queued, handed over and sent in {email['total_seconds']} s "
        f"(handed over after {email['handover_seconds']} s): {email['per_second']}/s  "
        + ("ok" if email["meets_targets"] else f"MISSED: under {MIN_EMAILS_PER_SECOND}/s")
    )
    if not email["meets_targets"]:
        missed.append(f"email: {email['per_second']}/s, under {MIN_EMAILS_PER_SECOND}/s")

    print(f"\nseed_bench seconds: {seed_seconds}")
    for scale, seconds in seed_seconds.items():
        if scale == "large" and seconds > MAX_SEED_SECONDS:
            print(f"MISSED: seed_bench --scale {scale} took {seconds} s, over {MAX_SEED_SECONDS} s")
            missed.append(f"seed_bench --scale {scale}: {seconds} s, over {MAX_SEED_SECONDS} s")
    output = {
        "pages": rows,
        "floor_runs_rps": floor_runs,
        "jobs": jobs,
        "email": email,
        "seed_seconds": seed_seconds,
        "seconds_per_page": SECONDS,
        "connections": CONNECTIONS,
        "missed": missed,
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(output, indent=2) + "\n")
    print("Written to bench/results.json")
    return missed


if __name__ == "__main__":
    main()
