"""``make bench``: every key page measured against the floor page, on PostgreSQL, at two scales.

For each scale it builds a fresh database with ``seed_bench``, counts each page's SQL queries
(``bench_queries``); on the large data set it then serves the portal with gunicorn (2 sync
workers, DEBUG off) on 127.0.0.1 and drives each page with wrk for a fixed time. It prints a table,
writes bench/results.json, and stops and drops everything it started.

Environment: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432), BENCH_SECONDS (15),
BENCH_CONNECTIONS (8), BENCH_SCALES (small,large).
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


def portal_env(database: str, static_root: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-" + "b" * 40,
        DJANGO_HTTPS="0",  # plain HTTP on loopback; everything else as in production
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{POSTGRES}/{database}",
        BENCH_FLOOR_PAGE="1",
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
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    queries: dict[str, dict[str, dict]] = {}
    load: dict[str, dict] = {}
    seed_seconds: dict[str, float] = {}
    server = None
    try:
        for scale in SCALES:
            database = f"portal_bench_{scale}"
            psql(f"DROP DATABASE IF EXISTS {database}")
            psql(f"CREATE DATABASE {database}")
            env = portal_env(database, static_root)
            manage(env, "migrate", "--noinput")
            manage(env, "createcachetable")
            started = time.monotonic()
            print(manage(env, "seed_bench", "--scale", scale, timeout=900).strip())
            seed_seconds[scale] = round(time.monotonic() - started, 1)
            queries[scale] = {row["page"]: row for row in json.loads(manage(env, "bench_queries"))}

        scale = SCALES[-1]
        env = portal_env(f"portal_bench_{scale}", static_root)
        manage(env, "collectstatic", "--noinput")
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
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        for scale in SCALES:
            psql(f"DROP DATABASE IF EXISTS portal_bench_{scale}")
        shutil.rmtree(static_root, ignore_errors=True)

    report(queries, load, seed_seconds)


def report(queries: dict, load: dict, seed_seconds: dict) -> None:
    small, large = queries[SCALES[0]], queries[SCALES[-1]]
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
                "queries_small": small[page]["queries"],
                "queries_large": large[page]["queries"],
                "ratio_to_floor": round(ratio, 2),
                "target_ratio": large[page]["target_ratio"] if large[page]["public"] else None,
            }
        )
    for row in rows:
        problems = []
        if row["queries_small"] != row["queries_large"]:
            problems.append("queries grow with data")
        if row["queries_large"] > MAX_QUERIES:
            problems.append(f"over {MAX_QUERIES} queries")
        if row["target_ratio"] is not None and row["ratio_to_floor"] < row["target_ratio"]:
            problems.append(f"under {row['target_ratio']} x floor")
        if row["errors"]:
            problems.append(f"{row['errors']} errors")
        row["meets_targets"] = not problems
        row["problems"] = problems

    print()
    print(f"{'page':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'q small':>9}{'q large':>9}{'x floor':>9}  targets")
    for row in rows:
        verdict = "ok" if row["meets_targets"] else "MISSED: " + ", ".join(row["problems"])
        print(
            f"{row['page']:<24}{row['rps']:>9.1f}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}"
            f"{row['queries_small']:>9}{row['queries_large']:>9}{row['ratio_to_floor']:>9.2f}  {verdict}"
        )
    print(f"\nseed_bench seconds: {seed_seconds}")
    output = {"pages": rows, "seed_seconds": seed_seconds, "seconds_per_page": SECONDS, "connections": CONNECTIONS}
    (ROOT / "bench" / "results.json").write_text(json.dumps(output, indent=2) + "\n")
    print("Written to bench/results.json")


if __name__ == "__main__":
    main()
