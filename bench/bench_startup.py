"""Benchmark: what starting a service costs, as whole processes, and what it keeps.

Why this exists: a command-line check, a test run or a service restart pays for the
imports and the first read of the config in a fresh process, which an in-process loop
never sees. So this script times whole processes, each beside a bare
``python -c "import yaml"`` (the floor of any YAML-reading tool) run in the same
rounds:

1. ``import wirework.container``: the import itself, timed inside each fresh process
   (the peer: ``import yaml`` timed the same way), and the whole process;
2. ``wirework check`` of a config of 1,000 components, the whole process, with the parse
   cache off (``--no-cache``) and with the cache holding the file;
3. the memory a service keeps: ``Container.from_file(...).open()`` of 10,000 components
   in this process, traced by ``tracemalloc`` from before the container is made to
   after it is open, after ``gc.collect()``, divided by the component count.

Run: ``.venv/bin/python bench/bench_startup.py``
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from importlib import metadata
from pathlib import Path

from wirework.container import Container

PROCESS_ROUNDS = 25  # fresh processes per command, alternating between the commands
CHECK_COMPONENTS = 1_000
MEMORY_COMPONENTS = 10_000
IMPORT_TARGET_MS = 40.0
MEMORY_TARGET = 1_200  # bytes per component
PYTHON = sys.executable

COMPONENT_MODULE = '''
class Component:
    """A component that keeps its config and opens."""

    def configure(self, config):
        self.config = config

    def open(self, correlation_id):
        self.opened = True

    def close(self, correlation_id):
        self.opened = False

    def is_open(self):
        return getattr(self, "opened", False)
'''


def write_app(directory: Path, components: int) -> Path:
    """A config of ``components`` entries of ``benchapp:Component``, each with options,
    and the module beside it."""
    (directory / "benchapp.py").write_text(COMPONENT_MODULE, encoding="utf-8")
    lines = []
    for i in range(components):
        lines += [
            f"- descriptor: bench:component:default:c{i:05d}:1.0",
            "  type: benchapp:Component",
            "  options:",
            f"    label: c{i:05d}",
            f"    size: {i % 10 + 1}",
            "    enabled: true",
        ]
    path = directory / f"bench_{components}.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed_import(module: str) -> list[str]:
    """A command printing how long ``import module`` took inside it, in seconds."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return [PYTHON, "-c", code]


def alternate(
    commands: dict[str, list[str]], env: dict[str, str], cwd: Path
) -> dict[str, dict[str, list[float]]]:
    """Each command run ``PROCESS_ROUNDS`` times, one after the other in every round:
    wall seconds of each whole process, and the import time each ``import`` row prints."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    printed: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(PROCESS_ROUNDS):
        for name, command in commands.items():
            began = time.perf_counter()
            done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
            walls[name].append(time.perf_counter() - began)
            if done.returncode != 0:
                raise SystemExit(f"{name} failed: {done.stderr}")
            if name.startswith("import "):  # the command prints its import time
                printed[name].append(float(done.stdout))
    return {name: {"wall": walls[name], "printed": printed[name]} for name in commands}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def retained_per_component(path: Path, app_dir: Path) -> float:
    """Bytes traced after the container is open, less those before it was made."""
    sys.path.insert(0, str(app_dir))
    warm = Container.from_file(path)  # imports, caches and the parse cache, filled once
    warm.open(None)
    warm.close(None)
    del warm
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    container = Container.from_file(path)
    container.open(None)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    count = len(container.components)
    container.close(None)
    assert count == MEMORY_COMPONENTS, count
    return (after - before) / count


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wirework-bench-") as tmp:
        directory = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(directory / "cache")}
        env.pop("WIREWORK_NO_CACHE", None)
        config = write_app(directory, CHECK_COMPONENTS)
        script = Path(PYTHON).with_name("wirework")
        wirework = [str(script)] if script.exists() else [PYTHON, "-m", "wirework"]
        check = [*wirework, "check", "-c", str(config), "--app-dir", str(directory)]
        subprocess.run(check, env=env, cwd=directory, capture_output=True, check=True)
        print(f"timing {PROCESS_ROUNDS} rounds of fresh processes ...", file=sys.stderr)
        figures = alternate(
            {
                "import wirework.container": timed_import("wirework.container"),
                "import yaml": timed_import("yaml"),
                "python -c pass": [PYTHON, "-c", "pass"],
                "wirework check, --no-cache": [*check, "--no-cache"],
                "wirework check, parse cache warm": check,
            },
            env,
            directory,
        )
        print("tracing the memory of an open container ...", file=sys.stderr)
        os.environ["XDG_CACHE_HOME"] = str(directory / "cache")
        retained = retained_per_component(write_app(directory, MEMORY_COMPONENTS), directory)

    print(
        f"\nStart-up as whole processes - Python {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, wirework {metadata.version('wirework')}\n"
    )
    print("| what | wirework: min / median | beside it, same rounds: min / median | target |")
    print("|---|---:|---:|---|")
    ours = figures["import wirework.container"]["printed"]
    yaml_import = figures["import yaml"]["printed"]
    met = "met" if min(ours) * 1000 <= IMPORT_TARGET_MS else "MISSED"
    print(
        f"| `import wirework.container`, timed inside a fresh process | {ms(min(ours))} / "
        f"{ms(statistics.median(ours))} | `import yaml` {ms(min(yaml_import))} / "
        f"{ms(statistics.median(yaml_import))} | ≤ {IMPORT_TARGET_MS:.0f} ms: {met} |"
    )
    bare = figures["python -c pass"]["wall"]
    for name in (
        "import wirework.container",
        "wirework check, --no-cache",
        "wirework check, parse cache warm",
    ):
        wall = figures[name]["wall"]
        peer = figures["import yaml"]["wall"]
        label = (
            '`python -c "import wirework.container"`, whole process'
            if name.startswith("import")
            else f"`{name.split(',')[0]}` of {CHECK_COMPONENTS:,} components, whole process, "
            f"{name.split(', ')[1]}"
        )
        print(
            f"| {label} | {ms(min(wall))} / {ms(statistics.median(wall))} | "
            f'`python -c "import yaml"` {ms(min(peer))} / {ms(statistics.median(peer))}; '
            f"`python -c pass` {ms(min(bare))} / {ms(statistics.median(bare))} | |"
        )
    met = "met" if retained <= MEMORY_TARGET else "MISSED"
    print(
        f"| memory kept by an open container of {MEMORY_COMPONENTS:,} components | "
        f"{retained:,.0f} bytes per component | | ≤ {MEMORY_TARGET:,} bytes: {met} |"
    )
    print(
        f"\nMethod: {PROCESS_ROUNDS} rounds; each round starts every command once, one "
        "after the other, as a fresh process (subprocess.run, wall time from before the "
        "start to after the exit, output captured). The import rows time the import "
        "statement inside the process (perf_counter around it) and print it; the others "
        "are whole processes. `wirework check` reads a config of "
        f"{CHECK_COMPONENTS:,} entries (descriptor, type, three options) and a module of "
        "the app directory; the parse cache is in a temporary directory, filled by one "
        "untimed run before the rounds. Memory: one warm-up container made, opened and "
        "closed; then tracemalloc traced from before Container.from_file to after open "
        f"and gc.collect(), divided by the {MEMORY_COMPONENTS:,} components (the "
        "components' own objects included: each keeps its config)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
