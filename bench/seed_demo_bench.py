"""Benchmark: seed a fresh database with N members (default 1,000,000) and print the timings as JSON.

Usage: .venv/bin/python bench/seed_demo_bench.py [--members N] [--db tusoi_seedbench]
Creates (drops first) the named PostgreSQL database on 127.0.0.1; never touches others.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--db", default="tusoi_seedbench")
    args = parser.parse_args()
    for sql in (f"DROP DATABASE IF EXISTS {args.db}", f"CREATE DATABASE {args.db}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}"}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    started = time.monotonic()
    out = subprocess.run(
        [*manage, "seed_demo", "--members", str(args.members)], check=True, env=env, capture_output=True, text=True
    ).stdout
    total = time.monotonic() - started
    steps = next(line for line in out.splitlines() if line.startswith("Steps:"))
    figures = {"members": args.members, "seed_seconds": round(total, 1), "steps": steps.removeprefix("Steps: ")}
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
