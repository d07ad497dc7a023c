"""Kill harness: an ingest killed (SIGKILL) at any moment leaves the database as it was before the
upload or as it is after it — never in between — and the database opens without manual repair.

    .venv/bin/python tests/kill_harness.py [--runs 50] [--seed N] [--workdir DIR]

prints a JSON summary and exits 1 if any run left the database torn or unopenable.

Set-up: a DuckDB file holding the demo workbook ("before"), and a realistic upload: the demo workbook
with every check-in's confidence and comment changed, so the ingest updates hundreds of rows, writes
their history and records the upload with its file. Three complete runs give the "after" state (they
must agree: that the state after is the same each time is part of what is checked) and time the
ingest (medians). Then each run copies the "before" file, starts the CLI's ingest (`python -m loaders
ingest`'s own code) in a child process and SIGKILLs it after a random delay: a third of the runs
anywhere in the ingest (reading, checking, writing, closing; counted from the end of the child's
imports), a third in the write and the close, a third within 30 ms of the commit (both counted from
the moment the child enters Store.write) — where a kill could tear the database. The database is then
opened by the store as the app opens it, and every table — data tables, their *_history tables,
uploads, upload_files, meta — is compared with both states by a fingerprint (row count and the sum of
a hash of every row; store.transfer.fingerprints), and the data version.

The child records the upload at a fixed time (the only thing that would otherwise differ between
two complete runs), and tells the harness through a pipe when it starts, when it starts writing and
when the write has committed. The children are forked from a process that has imported the app's
modules once (multiprocessing's forkserver): importing them afresh took most of each run's time, and
what is killed, the ingest and its write, is the same code in the same kind of process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import multiprocessing
import os
import pathlib
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
UPLOAD_TIME = dt.datetime(2027, 6, 1, 9, 30)
READY, WRITING, COMMITTED = "kill-harness: ready", "kill-harness: writing", "kill-harness: committed"
AROUND_COMMIT = 0.03  # seconds either side of the calibrated commit that the runs aimed at it cover
CALIBRATION_RUNS = 3
LOCK_WAIT = 30.0  # seconds the harness waits to open a database a killed child's lock may still hold


# What the children are forked from has these imported, so that the kill window is the ingest itself.
CHILD_IMPORTS = ["loaders.ingest", "loaders.__main__", "store.database"]


def child(database: str, upload: str, log: str, announce) -> None:
    """The ingest to kill: the CLI's ingest, with the upload recorded at UPLOAD_TIME, its output in `log`
    and its progress sent down `announce`."""
    with open(log, "wb") as output:
        os.dup2(output.fileno(), sys.stdout.fileno())
        os.dup2(output.fileno(), sys.stderr.fileno())
    import store.database as database_module
    from loaders import __main__ as cli

    database_module.utc_now = lambda: UPLOAD_TIME
    write = database_module.Store.write

    def announced_write(self, work):
        announce.send(WRITING)
        result = write(self, work)
        announce.send(COMMITTED)
        return result

    database_module.Store.write = announced_write
    announce.send(READY)
    sys.exit(cli.main(["ingest", upload, "--db", database]))


def changed_check_ins_workbook() -> bytes:
    """The demo workbook with every check-in's confidence and comment changed."""
    import openpyxl

    workbook = openpyxl.load_workbook(DEMO_WORKBOOK)
    sheet = workbook["CheckIns"]
    header = [cell.value for cell in sheet[1]]
    confidence, comment = header.index("confidence") + 1, header.index("comment") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value is None:
            continue
        old = sheet.cell(row, confidence).value
        sheet.cell(row, confidence).value = 5 if old is None else (int(old) + 1) % 11
        sheet.cell(row, comment).value = f"Re-checked in June ({sheet.cell(row, comment).value or 'no comment'})"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def state(database: str) -> dict[str, list[int]]:
    """Every table's fingerprint and the data version; opening it is the no-manual-repair check."""
    from store.database import Store
    from store.transfer import fingerprints

    store = Store.open(database, lock_wait=LOCK_WAIT)
    try:
        tables = {name: [f.rows, f.checksum] for name, f in fingerprints(store).items()}
        tables["data_version"] = [store.data_version(), 0]
        return tables
    finally:
        store.close()


def _copy_database(source: pathlib.Path, target: pathlib.Path) -> None:
    for suffix in ("", ".wal"):
        pathlib.Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)


def _children():
    """Where the children come from: a forkserver that has imported CHILD_IMPORTS."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(CHILD_IMPORTS)
    return context


def _start(children, database: pathlib.Path, upload: pathlib.Path, log: pathlib.Path):
    """The child ingesting `upload` into `database`, and the pipe it announces its progress on."""
    receiver, sender = children.Pipe(duplex=False)
    process = children.Process(target=child, args=(str(database), str(upload), str(log), sender))
    process.start()
    sender.close()  # the child's end: the pipe then ends when the child does
    return process, receiver


def _await(receiver, line: str) -> float | None:
    """Read the child's announcements up to `line`; the moment it came (None if the child ended first)."""
    try:
        while receiver.recv() != line:
            pass
    except EOFError:
        return None
    return time.monotonic()


def prepare(children, folder: pathlib.Path) -> dict:
    """The "before" database, the upload, and the "after" state and timings from complete runs."""
    from loaders.ingest import check_and_store
    from store.database import Store, UploadedFile

    before_db, upload = folder / "before.duckdb", folder / "june_check_ins.xlsx"
    upload.write_bytes(changed_check_ins_workbook())
    store = Store.open(str(before_db))
    result = check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "kill harness")
    store.close()
    if result.errors:
        raise RuntimeError(f"the demo workbook does not ingest: {result.errors[0]}")
    before = state(str(before_db))
    afters, ingest_seconds, write_offsets, commit_offsets = [], [], [], []
    for number in range(CALIBRATION_RUNS):
        database = folder / f"complete-{number}.duckdb"
        _copy_database(before_db, database)
        process, announcements = _start(children, database, upload, folder / f"complete-{number}.log")
        moments = [_await(announcements, line) for line in (READY, WRITING, COMMITTED)]
        process.join()
        announcements.close()
        if process.exitcode != 0 or None in moments:
            raise RuntimeError(f"the ingest failed: {(folder / f'complete-{number}.log').read_text()}")
        ready, writing, committed = moments
        write_offsets.append(writing - ready)
        commit_offsets.append(committed - ready)
        ingest_seconds.append(time.monotonic() - ready)
        afters.append(state(str(database)))
    if any(after != afters[0] for after in afters):
        raise RuntimeError("two complete ingests left different states; the harness cannot tell torn from whole")
    if afters[0] == before:
        raise RuntimeError("the upload changes nothing; the harness would prove nothing")
    return {
        "before_db": before_db,
        "upload": upload,
        "before": before,
        "after": afters[0],
        "ingest_seconds": statistics.median(ingest_seconds),
        "write_offset": statistics.median(write_offsets),
        "commit_offset": statistics.median(commit_offsets),
    }


def run_harness(runs: int = 50, seed: int | None = None, workdir: pathlib.Path | None = None) -> dict:
    seed = random.randrange(2**32) if seed is None else seed
    chooser = random.Random(seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="okr-kill-harness-", dir=workdir) as scratch:
        folder = pathlib.Path(scratch)
        children = _children()
        setup = prepare(children, folder)
        window, write_offset, commit_offset = setup["ingest_seconds"], setup["write_offset"], setup["commit_offset"]
        # Each aim: the child's line the delay counts from, and the range of the delay. The write and the
        # commit are aimed at from the child's own "writing" line, so that the time its reading and
        # checking took in this run does not move the aim.
        after_write = window - write_offset
        aims = {
            "anywhere": (READY, 0.0, window),
            "the write and the close": (WRITING, 0.0, after_write),
            "the commit": (
                WRITING,
                max(0.0, commit_offset - write_offset - AROUND_COMMIT),
                commit_offset - write_offset + AROUND_COMMIT,
            ),
        }
        outcomes = {"before": 0, "after": 0, "torn": 0, "unopenable": 0}
        finished = 0
        aimed = {aim: {"runs": 0, "killed_while_running": 0} for aim in aims}
        problems = []
        for number in range(runs):
            database = folder / "run.duckdb"
            _copy_database(setup["before_db"], database)
            aim = list(aims)[number % len(aims)]
            marker, low, high = aims[aim]
            delay = chooser.uniform(low, high)
            aimed[aim]["runs"] += 1
            process, announcements = _start(children, database, setup["upload"], folder / "run.log")
            counted_from = _await(announcements, marker)
            if counted_from is not None:
                time.sleep(max(0.0, counted_from + delay - time.monotonic()))
            if process.exitcode is None:
                process.kill()  # SIGKILL
            process.join()
            code = process.exitcode
            announcements.close()
            if code == -signal.SIGKILL:
                aimed[aim]["killed_while_running"] += 1
            elif code == 0:
                finished += 1
            else:
                problems.append(
                    f"run {number}: the ingest failed by itself (exit {code}): "
                    f"{(folder / 'run.log').read_text()[-500:]}"
                )
            try:
                found = state(str(database))
            except Exception as exc:  # whatever it is, the database needs repair: that is the failure
                outcomes["unopenable"] += 1
                problems.append(
                    f"run {number} (killed {delay:.3f} s after {marker!r}): the database does not open: {exc}"
                )
                continue
            if found == setup["before"]:
                outcomes["before"] += 1
            elif found == setup["after"]:
                outcomes["after"] += 1
            else:
                outcomes["torn"] += 1
                differing = sorted(
                    name for name in found if found[name] not in (setup["before"].get(name), setup["after"].get(name))
                )
                problems.append(
                    f"run {number} (killed {delay:.3f} s after {marker!r}): neither before nor after "
                    f"(tables matching neither: {', '.join(differing) or 'a mix of both'})"
                )
    return {
        "runs": runs,
        "seed": seed,
        **outcomes,
        "killed_while_running": sum(a["killed_while_running"] for a in aimed.values()),
        "finished_before_the_kill": finished,
        "runs_aimed_at": aimed,
        "ingest_seconds": round(window, 3),
        "write_starts_after_seconds": round(write_offset, 3),
        "commit_after_seconds": round(commit_offset, 3),
        "tables_compared": len(setup["before"]),
        "elapsed_seconds": round(time.monotonic() - started, 1),
        "ok": not problems and outcomes["before"] + outcomes["after"] == runs,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--workdir", type=pathlib.Path, help="where the scratch folder goes (default: the system's)")
    args = parser.parse_args(argv)
    summary = run_harness(args.runs, args.seed, args.workdir)
    print(json.dumps(summary, indent=1))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
