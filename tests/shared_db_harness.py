"""The app and the command line on one DuckDB file: an app process serving pages in a loop while
command-line ingests, status and template calls run beside it (tests/test_shared_database.py, and
`cli_while_app_serving_max_wait_s` in bench/run.py).

The app process is `python tests/shared_db_harness.py serve DB STOP REPORT PAGE…`: Streamlit's AppTest
runs the pages through the router one after the other, in one process as a server runs its sessions
(its caches and its store handle live across the runs), until the file STOP appears; then it reads the
tables as a page would read them (the cached tables of the current data version) and writes REPORT:
each run's page, seconds, exception and error messages, the check-ins it saw and their comments.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = ("pages/overview.py", "pages/team.py", "pages/upload.py", "pages/due_dates.py")


def serve(database: str, stop: pathlib.Path, report: pathlib.Path, pages: list[str]) -> None:
    import pytest
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(PROJECT_ROOT))
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    import ui.context
    from conftest import routed_app_tests

    runs = []
    with pytest.MonkeyPatch.context() as patch:
        routed_app_tests(patch)
        while True:
            stopping = stop.exists()
            for page in pages:
                at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
                if page != "pages/overview.py":
                    at.switch_page(page)
                started = time.perf_counter()
                at.run()
                runs.append(
                    {
                        "page": page,
                        "seconds": time.perf_counter() - started,
                        "at": time.time(),
                        "exception": [e.message for e in at.exception],
                        "errors": [e.value for e in at.error],
                    }
                )
                if len(runs) == 1:
                    pathlib.Path(str(report) + ".ready").touch()
            if stopping:
                break
        handle = ui.context._store(database)
        tables = ui.context._tables(database, handle.data_version())
    check_ins = tables["check_ins"]
    report.write_text(
        json.dumps(
            {
                "runs": runs,
                "data_version": handle.data_version(),
                "check_ins": len(check_ins),
                "comments": sorted(check_ins["comment"].dropna().astype(str).tolist()),
            }
        )
    )


@dataclass
class AppServing:
    """An app process serving `pages` of `database` in a loop (start, then stop() for its report)."""

    database: str
    folder: pathlib.Path
    pages: tuple[str, ...] = PAGES
    env: dict[str, str] = field(default_factory=dict)

    def start(self, ready_within: float = 180) -> AppServing:
        self.stop_file, self.report = self.folder / "stop", self.folder / "app_report.json"
        self.process = subprocess.Popen(
            [PYTHON, __file__, "serve", self.database, str(self.stop_file), str(self.report), *self.pages],
            cwd=PROJECT_ROOT,
            env={**os.environ, "OKR_DB": self.database, "STREAMLIT_LOGGER_LEVEL": "error", **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + ready_within
        while not pathlib.Path(str(self.report) + ".ready").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"the app process did not serve a page: {self.process.communicate()[1][-3000:]}")
            time.sleep(0.1)
        return self

    def stop(self, within: float = 300) -> dict:
        self.stop_file.touch()
        try:
            _, stderr = self.process.communicate(timeout=within)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        if self.process.returncode != 0:
            raise RuntimeError(f"the app process failed: {stderr[-3000:]}")
        return json.loads(self.report.read_text())


def run_cli(*args: str, env: dict[str, str] | None = None) -> dict:
    """`python -m ARGS…`: its exit code, output and wall-clock seconds (Python's start-up included)."""
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    return {
        "args": args,
        "code": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "seconds": time.perf_counter() - started,
    }


class WaitProbe:
    """A command-line-like reader beside the app: opens the file, reads the data version, closes it, over
    and over; `longest` is the longest such call took (its wait for the lock included)."""

    def __init__(self, database: str, every: float = 0.05):
        self.database, self.every, self.times = database, every, []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from store.database import Store

        while not self._stopping.is_set():
            started = time.perf_counter()
            store = Store.open(self.database, create=False)
            try:
                store.data_version()
            finally:
                store.close()
            self.times.append(time.perf_counter() - started)
            time.sleep(self.every)

    def __enter__(self) -> WaitProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._thread.join()

    @property
    def longest(self) -> float:
        return max(self.times, default=0.0)


def progress_csv(folder: pathlib.Path, name: str, kr_ids: list[str], dates: list[str]) -> tuple[pathlib.Path, set]:
    """A check-in file of one row per (KR, date), each with a comment naming it: the comments to look for."""
    rows = [
        (kr_id, date, 10 + i, f"{name} {kr_id} {date}")
        for i, (kr_id, date) in enumerate((k, d) for k in kr_ids for d in dates)
    ]
    path = folder / f"{name}.csv"
    path.write_text("kr_id,date,value,comment\n" + "".join(f"{k},{d},{v},{c}\n" for k, d, v, c in rows))
    return path, {c for *_, c in rows}


def cli_beside_app(
    database: str,
    folder: pathlib.Path,
    kr_ids: list[str],
    team: str,
    lock_wait: float = 5.0,
    dates: tuple[str, ...] = tuple(f"2027-04-0{d}" for d in range(1, 8)),
) -> dict:
    """The scene of the test and the benchmark: while an app process serves pages of `database`, two
    ingests at once, a status, a template and one more ingest, each with OKR_LOCK_WAIT=`lock_wait` (so a
    longer wait fails it); a probe measures the longest open of the file meanwhile. Returns the calls,
    the app's report, the comments the ingests stored and the probe's longest wait."""
    env = {"OKR_LOCK_WAIT": str(lock_wait)}
    files = [progress_csv(folder, f"shared-db-{n}", kr_ids[n::3], list(dates)) for n in range(3)]
    expected = set().union(*(comments for _, comments in files))
    app = AppServing(database, folder, env=env).start()
    calls = []
    try:
        with WaitProbe(database) as probe:
            at_once = [
                threading.Thread(
                    target=lambda f=f: calls.append(run_cli("loaders", "ingest", str(f), "--db", database, env=env))
                )
                for f, _ in files[:2]
            ]
            for thread in at_once:
                thread.start()
            calls.append(run_cli("analytics", "status", "--db", database, "--json", env=env))
            calls.append(
                run_cli(
                    "loaders",
                    "template",
                    "--team",
                    team,
                    "--db",
                    database,
                    "-o",
                    str(folder / "template.xlsx"),
                    env=env,
                )
            )
            for thread in at_once:
                thread.join()
            calls.append(run_cli("loaders", "ingest", str(files[2][0]), "--db", database, env=env))
            calls.append(run_cli("analytics", "status", "--db", database, "--json", env=env))
            time.sleep(1.0)  # the app serves at least one more page after the last ingest
    finally:
        report = app.stop()
    return {
        "calls": calls,
        "app": report,
        "expected_comments": expected,
        "probe_longest_s": probe.longest,
        "probe_calls": len(probe.times),
    }


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    serve(sys.argv[2], pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4]), sys.argv[5:])
