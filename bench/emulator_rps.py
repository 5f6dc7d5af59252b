"""Requests per second the emulator sustains on loopback (list, and write + poll), to prove it is never the bottleneck.

Usage::

    .venv/bin/python bench/emulator_rps.py                 # emulator in a subprocess, 1 and 4 client threads
    .venv/bin/python bench/emulator_rps.py --in-process    # emulator in this process (shares the GIL with clients)
    .venv/bin/python bench/emulator_rps.py --seconds 5 --json bench/results/emulator_rps.json

Clients are httpx with keep-alive; each scenario runs for ``--seconds``. "write+poll" counts every HTTP request
(POST create, GET order) and also reports completed orders per second.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec

POOL = "a9fa7661c4f84b278b136e94a86b4ea2"
NODE = "01925abf82fe0db0a75c190c4316b8a6"
TOKEN = "bench-token"
BASE = f"/configapi/{POOL}/{NODE}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_subprocess() -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    cmd = [sys.executable, "-m", "cac_director.emulator", "--port", str(port), "--token", TOKEN,
           "--node", f"{POOL}/{NODE}/bench-node"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_emulator/health").status_code == 200:
                return url, proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"emulator did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def run(url: str, threads: int, seconds: float, body: Callable[[httpx.Client, int, list[int]], None]) -> list[int]:
    """Run ``body`` in a loop on each thread; returns [requests, completed operations]."""
    totals = [0, 0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        counts = [0, 0]
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            n = 0
            while time.monotonic() < stop:
                body(c, index * 10_000_000 + n, counts)
                n += 1
        with lock:
            totals[0] += counts[0]
            totals[1] += counts[1]

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return totals


def list_once(c: httpx.Client, _n: int, counts: list[int]) -> None:
    r = c.get(f"{BASE}/Repos")
    assert r.status_code == 200
    counts[0] += 1
    counts[1] += 1


def write_and_poll(c: httpx.Client, n: int, counts: list[int]) -> None:
    r = c.post(f"{BASE}/DeviceGroups", json={"data": {"name": f"g{n}", "description": "", "devices": []}})
    assert r.status_code == 200, r.text
    counts[0] += 1
    message = r.json()["message"]
    while True:
        order = c.get("/" + message.lstrip("/")).json()
        counts[0] += 1
        if isinstance(order["response"].get("success"), bool):
            break
    counts[1] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 4])
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    proc = None
    emu = None
    if args.in_process:
        cfg = EmulatorConfig(
            pools=[PoolSpec(uuid=POOL, name="bench", nodes=[NodeSpec(NODE, "bench-node")])], token=TOKEN
        )
        emu = Emulator.start(cfg)
        url = emu.url
    else:
        url, proc = start_subprocess()
    results: list[dict[str, object]] = []
    try:
        for scenario, body in (("list", list_once), ("write+poll", write_and_poll)):
            for threads in args.threads:
                requests, ops = run(url, threads, args.seconds, body)
                row = {
                    "scenario": scenario,
                    "threads": threads,
                    "requests_per_second": round(requests / args.seconds, 1),
                    "operations_per_second": round(ops / args.seconds, 1),
                    "mode": "in-process" if args.in_process else "subprocess",
                }
                results.append(row)
                print(f"{scenario:<11} threads={threads:<2} {row['requests_per_second']:>8} req/s  "
                      f"{row['operations_per_second']:>8} ops/s  ({row['mode']})")  # fmt: skip
    finally:
        if emu is not None:
            emu.stop()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
