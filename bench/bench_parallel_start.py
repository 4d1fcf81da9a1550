"""Benchmark: start-up of a service whose components are slow to open, parallel vs one by one.

Why this exists: real components open slowly (a database connect, a cache warm-up),
and a start-up that opens them one after the other pays the sum of all of them. With
a parallel start, only the longest chain of dependencies is paid. The config: 40
components that each take 50 ms to open, in 8 independent chains of 5 (each needs
the one before it in its chain). Ideal: 5 x 50 = 250 ms parallel, 40 x 50 = 2,000 ms
one by one.

Method: ``Container.from_file(path, ...)``, then ``open()`` and ``close()``, as a user
calls them, in this process; the median of 5 starts each, alternating the two
settings; then the same as whole processes (``python -c`` that reads, opens and
closes), 3 each, alternating. Printed: parallel 8 (the default) beside parallel 1.

Run: ``.venv/bin/python bench/bench_parallel_start.py``
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wirework.container import Container

CHAINS, LENGTH, OPEN_SECONDS = 8, 5, 0.05
RUNS, PROCESS_RUNS = 5, 3
SETTINGS = {"parallel 8 (default)": 8, "parallel 1 (one by one)": 1}

MODULE = '''
import time


class Slow:
    """Takes 50 ms to open, like a connect."""

    def open(self, correlation_id):
        time.sleep(0.05)
        self.opened = True

    def close(self, correlation_id):
        self.opened = False

    def is_open(self):
        return getattr(self, "opened", False)
'''


def write_app(directory: Path) -> Path:
    (directory / "slowapp.py").write_text(MODULE, encoding="utf-8")
    lines = []
    for chain in range(CHAINS):
        for link in range(LENGTH):
            lines += [
                f"- descriptor: bench:slow:default:c{chain}l{link}:1.0",
                "  type: slowapp:Slow",
            ]
            if link:
                lines += [
                    "  dependencies:",
                    f"    before: bench:slow:default:c{chain}l{link - 1}:1.0",
                ]
    path = directory / "slow.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_in_process(path: Path, parallel: int) -> float:
    began = time.perf_counter()
    container = Container(parallel=parallel)
    container.read_config_from_file(None, path)
    container.open()
    elapsed = time.perf_counter() - began
    container.close()
    return elapsed


def start_process(path: Path, parallel: int, app: Path) -> float:
    code = (
        "from wirework.container import Container\n"
        f"c = Container(parallel={parallel})\n"
        f"c.read_config_from_file(None, {str(path)!r})\n"
        "c.open(); c.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(app)}
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        app = Path(temp)
        path = write_app(app)
        sys.path.insert(0, str(app))
        in_process: dict[str, list[float]] = {name: [] for name in SETTINGS}
        processes: dict[str, list[float]] = {name: [] for name in SETTINGS}
        for _ in range(RUNS):
            for name, parallel in SETTINGS.items():
                in_process[name].append(start_in_process(path, parallel))
        for _ in range(PROCESS_RUNS):
            for name, parallel in SETTINGS.items():
                processes[name].append(start_process(path, parallel, app))
    print(__doc__.split("\n\n")[2].replace("\n", " ") if __doc__ else "")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print()
    print(f"{'setting':<26} {'open (in process)':>18} {'whole process':>15}")
    for name in SETTINGS:
        print(
            f"{name:<26} {statistics.median(in_process[name]) * 1000:>15.0f} ms"
            f" {statistics.median(processes[name]) * 1000:>12.0f} ms"
        )
    ideal = LENGTH * OPEN_SECONDS * 1000
    print(f"{'ideal, parallel':<26} {ideal:>15.0f} ms  (the longest chain: {LENGTH} x 50 ms)")
    print(f"{'ideal, one by one':<26} {CHAINS * LENGTH * OPEN_SECONDS * 1000:>15.0f} ms")


if __name__ == "__main__":
    main()
