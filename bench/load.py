"""Load on a shared deployment: 2 app replicas over one PostgreSQL database, 20 viewers, 5 uploaders.

    .venv/bin/python bench/load.py [--server postgresql://postgres@127.0.0.1:55432/postgres]

What runs (loopback only, sized for a 2-core machine):
- Replicas: two `streamlit run app.py` processes on loopback ports, both with OKR_DB set to one
  fresh PostgreSQL database (created on --server, loaded with the demo workbook, dropped at the end).
- Viewers: a page view in Streamlit is a script run that the browser asks for over the session's
  websocket. Each simulated viewer holds one websocket session, as a browser tab does, and speaks
  Streamlit's own protocol: it sends the `rerun_script` message the browser sends when a user opens
  a page or follows a link, then reads every element the server sends until `script_finished`. The
  page time is from the request to `script_finished`: the server's whole run (sidebar filters, the
  data-version check and, after an upload, the re-read of the tables from PostgreSQL, analytics,
  building the charts), serialisation and transfer of every element. It leaves out the browser
  drawing them, which happens on each viewer's own machine whatever the server does; driving 20
  real browsers would make a 2-core machine measure Chromium instead of the app. Viewer i stays on
  replica i % 2 (as sticky sessions pin a browser) and opens pages from a fixed rotation. Viewers
  are threads: they wait on the servers and spend almost no CPU of their own.
- Uploaders: 5 OS processes, each a team lead uploading a few small check-in workbooks of distinct
  rows one after another through `loaders.ingest.check_and_store` on a Store of its own: what the
  upload page runs inside a replica's process (leads 1, 3, 5 stand for replica 1, leads 2 and 4
  for replica 2; the page itself is not driven, to keep file-widget plumbing out of the figures).
- Every viewer makes a fixed number of page views, every uploader a fixed number of uploads; the
  run stops at --time-limit whatever is left. Viewers click again as soon as a page has arrived
  (--think-seconds 0, the harshest case) or after a pause. Before the clock starts, each page is
  viewed once on each replica with cold caches (first_view_ms) and once more by a lone viewer
  (solo_page_ms: the same page time without load, to compare the loaded figures with).
- Afterwards every row of every upload reported as stored is looked up by (kr_id, date, value):
  rows_lost = expected − found; rows_extra counts stored rows nobody was told were stored.

Prints one JSON object: page_ms p50/p95/max over all timed views, views done and failed, uploads
done and failed (an upload the store gave up on, the lead told to retry), rows expected vs
present, rows_lost (must be 0).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import io
import json
import multiprocessing
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
DEMO_AS_OF = "2027-05-31"
# Pages a viewer goes through (url path, query string), like a review meeting walking the agenda.
PAGE_ROTATION = (
    ("", ""),
    ("teams", ""),
    ("team", "team=Sales"),
    ("due_dates", ""),
    ("kr_types", ""),
    ("change_or_cancel", ""),
    ("team", "team=Engineering"),
    ("", "group=Business"),
)
# Upload dates on which the demo has no check-ins, so every uploaded row is a new one.
UPLOAD_DATES = tuple(dt.date(2027, 5, day) for day in range(1, 12))
NUMERIC_MEASURES = ("number", "percent", "currency")


class PageError(Exception):
    """The server showed an exception or ended the run with an error."""


class PageClient:
    """One browser tab's websocket session on a replica, asking for page runs as the browser does."""

    def __init__(self, port: int, timeout: float = 300):
        from websockets.sync.client import connect

        self.timeout = timeout
        self._socket = connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            legacy=True,
        )

    def view(self, page: str = "", query: str = "") -> tuple[float, bytes]:
        """Run a page; the milliseconds it took and every message the server sent for it."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        request = BackMsg()
        request.rerun_script.page_name = page
        request.rerun_script.query_string = query
        started = time.perf_counter()
        self._socket.send(request.SerializeToString())
        received = []
        while True:
            frame = self._socket.recv(timeout=self.timeout)
            received.append(frame)
            message = ForwardMsg()
            message.ParseFromString(frame)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                raise PageError(f"{page or 'home'}?{query}: {message.delta.new_element.exception.message}")
            if kind == "page_not_found":
                raise PageError(f"no page {page!r}")
            if kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page asked for a rerun (e.g. to tidy the URL); the view ends with that run
                if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise PageError(f"{page or 'home'}?{query}: the run ended with status {message.script_finished}")
                return (time.perf_counter() - started) * 1000, b"".join(received)

    def close(self) -> None:
        self._socket.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_replica(port: int, database: str, log: pathlib.Path) -> subprocess.Popen:
    """`streamlit run app.py` on a loopback port over `database`, as one replica of a deployment."""
    environment = {**os.environ, "OKR_DB": database, "OKR_AS_OF": DEMO_AS_OF}
    with open(log, "wb") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response:
            return response.status == 200 and response.read() == b"ok"
    except OSError:
        return False


def wait_until_healthy(ports: list[int], replicas: list[subprocess.Popen], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not all(healthy(port) for port in ports):
        if any(replica.poll() is not None for replica in replicas):
            raise RuntimeError("a replica exited while starting; see its log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"replicas on ports {ports} not healthy after {timeout:.0f} s")
        time.sleep(0.5)


def stop(replicas: list[subprocess.Popen]) -> None:
    for replica in replicas:
        replica.terminate()
    for replica in replicas:
        try:
            replica.wait(timeout=20)
        except subprocess.TimeoutExpired:
            replica.kill()
            replica.wait()


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", server, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


def create_database(server: str) -> tuple[str, str]:
    """A new empty database on the server: (its name, its URL)."""
    name = f"okr_bench_{uuid.uuid4().hex[:10]}"
    psql(server, f"CREATE DATABASE {name}")
    return name, server.rsplit("/", 1)[0] + "/" + name


def load_demo(database: str) -> None:
    from loaders.ingest import check_and_store
    from store.database import Store, UploadedFile

    store = Store.open(database)
    try:
        result = check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "bench")
    finally:
        store.close()
    if result.errors:
        raise RuntimeError(f"the demo workbook did not load: {result.errors[:3]}")


def numeric_krs(database: str) -> list[tuple[str, float]]:
    """(kr_id, target_value) of every KR measured by a number: a valid check-in value for each."""
    from store.database import Store

    store = Store.open(database)
    try:
        krs = store.read_table("key_results")
    finally:
        store.close()
    krs = krs[krs["measure"].isin(NUMERIC_MEASURES) & krs["target_value"].notna()]
    return list(zip(krs["kr_id"], krs["target_value"].astype(float)))


def check_in_rows(krs: list[tuple[str, float]], count: int, first: int) -> list[tuple[str, dt.date, float]]:
    """`count` check-ins, each on a (kr_id, date) no other call with another `first` uses."""
    rows = []
    for index in range(first, first + count):
        kr_id, target = krs[index % len(krs)]
        date = UPLOAD_DATES[index // len(krs)]
        rows.append((kr_id, date, target))
    return rows


def check_in_workbook(rows: list[tuple[str, dt.date, float]], note: str) -> bytes:
    """A CheckIns workbook as a team lead would upload it."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("CheckIns")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["kr_id", "date", "value", "comment"])
    for number, (kr_id, date, value) in enumerate(rows, start=1):
        sheet.write(number, 0, kr_id)
        sheet.write_datetime(number, 1, dt.datetime.combine(date, dt.time()), date_format)
        sheet.write(number, 2, value)
        sheet.write(number, 3, note)
    workbook.close()
    return buffer.getvalue()


def upload_all(database: str, uploader: str, workbooks: list[bytes], deadline: float) -> dict:
    """One uploader's session (runs in a process of its own): each workbook through check_and_store.
    An upload the store refuses with an error counts as failed (the lead is told and may retry);
    only uploads reported as stored are expected in the database afterwards."""
    import duckdb

    from loaders.ingest import check_and_store
    from store.database import Store, StoreError, UploadedFile

    store = Store.open(database)
    seconds, stored, failures = [], [], []
    try:
        for number, content in enumerate(workbooks):
            if time.time() > deadline:
                break
            started = time.perf_counter()
            try:
                result = check_and_store(store, [UploadedFile(f"{uploader}-{number + 1}.xlsx", content)], uploader)
            except (duckdb.Error, StoreError) as exc:
                failures.append(f"{uploader} upload {number + 1}: {str(exc)[-160:]}")
                continue
            seconds.append(time.perf_counter() - started)
            if result.stored:
                stored.append(number)
            failures += [f"{uploader} upload {number + 1}: {p.problem}" for p in result.errors]
    finally:
        store.close()
    return {"uploader": uploader, "stored": stored, "seconds": seconds, "failures": failures}


def rows_found(database: str, rows: list[tuple[str, dt.date, float]]) -> tuple[int, int]:
    """(check-ins stored in all, how many of `rows` are stored with their value)."""
    from store.database import Store

    store = Store.open(database)
    try:
        stored = store.read_table("check_ins")
    finally:
        store.close()
    present = set(zip(stored["kr_id"], stored["date"].dt.date, stored["value"]))
    return len(stored), sum(row in present for row in rows)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("OKR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:55432/postgres"),
        help="PostgreSQL server URL (a database on it is created and dropped)",
    )
    parser.add_argument("--ports", default="8617,8618", help="the replicas' loopback ports")
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--views-per-viewer", type=int, default=8)
    parser.add_argument("--uploaders", type=int, default=5)
    parser.add_argument("--uploads-per-uploader", type=int, default=4)
    parser.add_argument("--rows-per-upload", type=int, default=3)
    parser.add_argument("--think-seconds", type=float, default=0, help="pause of a viewer between two pages")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds the timed part may take")
    parser.add_argument("--keep", action="store_true", help="keep the database and the replica logs")
    args = parser.parse_args(argv)
    ports = [int(port) for port in args.ports.split(",")]

    name, database = create_database(args.server)
    logs = pathlib.Path(f"/tmp/okr_bench_{name}")
    logs.mkdir(exist_ok=True)
    replicas = []
    try:
        load_demo(database)
        demo_check_ins = rows_found(database, [])[0]
        krs = numeric_krs(database)
        replicas = [start_replica(port, database, logs / f"replica-{port}.log") for port in ports]
        wait_until_healthy(ports, replicas)

        first_views, solo_views = [], []  # each page on each replica: cold, then warm without load
        for views in (first_views, solo_views):
            for port in ports:
                client = PageClient(port)
                views += [client.view(page, query)[0] for page, query in PAGE_ROTATION]
                client.close()

        uploads = {}  # uploader → the rows of each of its uploads
        for number in range(args.uploaders):
            uploads[f"lead-{number + 1}"] = [
                check_in_rows(
                    krs, args.rows_per_upload, (number * args.uploads_per_uploader + upload) * args.rows_per_upload
                )
                for upload in range(args.uploads_per_uploader)
            ]
        planned = [
            (kr, date) for rows_per_upload in uploads.values() for rows in rows_per_upload for kr, date, _ in rows
        ]
        if len(set(planned)) != len(planned):
            raise RuntimeError("more upload rows than distinct (kr_id, date) pairs; lower the upload counts")

        page_ms, failures = [], []
        lock = threading.Lock()
        started = time.time()
        deadline = started + args.time_limit

        def viewer(number: int) -> None:
            try:
                client = PageClient(ports[number % len(ports)])
            except OSError as exc:
                with lock:
                    failures.append(f"viewer {number} could not connect: {exc}")
                return
            try:
                for view in range(args.views_per_viewer):
                    if time.time() > deadline:
                        return
                    page, query = PAGE_ROTATION[(number + view) % len(PAGE_ROTATION)]
                    if view:
                        time.sleep(args.think_seconds)
                    try:
                        milliseconds, _ = client.view(page, query)
                        with lock:
                            page_ms.append(milliseconds)
                    except (PageError, TimeoutError) as exc:
                        with lock:
                            failures.append(str(exc))
            finally:
                client.close()

        spawn = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max(1, args.uploaders), mp_context=spawn) as pool:
            uploading = [
                pool.submit(
                    upload_all,
                    database,
                    uploader,
                    [
                        check_in_workbook(rows, f"{uploader} via replica {number % len(ports) + 1}")
                        for rows in rows_per_upload
                    ],
                    deadline,
                )
                for number, (uploader, rows_per_upload) in enumerate(uploads.items())
            ]
            viewers = [threading.Thread(target=viewer, args=(number,)) for number in range(args.viewers)]
            for thread in viewers:
                thread.start()
            for thread in viewers:
                thread.join()
            upload_results = [future.result() for future in uploading]
        elapsed = time.time() - started

        expected_rows = [
            row
            for result in upload_results
            for number in result["stored"]
            for row in uploads[result["uploader"]][number]
        ]
        present, found = rows_found(database, expected_rows)
        upload_seconds = [s for result in upload_results for s in result["seconds"]]
        report = {
            "replicas": len(ports),
            "viewers": args.viewers,
            "uploaders": args.uploaders,
            "seconds": round(elapsed, 1),
            "views_done": len(page_ms),
            "views_failed": len(failures),
            "failures": failures[:5],
            "page_ms_p50": round(percentile(page_ms, 0.50)) if page_ms else None,
            "page_ms_p95": round(percentile(page_ms, 0.95)) if page_ms else None,
            "page_ms_max": round(max(page_ms)) if page_ms else None,
            "think_seconds": args.think_seconds,
            "first_view_ms_p50": round(statistics.median(first_views)),
            "solo_page_ms_p50": round(statistics.median(solo_views)),
            "solo_page_ms_p95": round(percentile(solo_views, 0.95)),
            "uploads_planned": args.uploaders * args.uploads_per_uploader,
            "uploads_done": sum(len(result["stored"]) for result in upload_results),
            "uploads_failed": sum(len(result["failures"]) for result in upload_results),
            "upload_failures": [f for result in upload_results for f in result["failures"]][:5],
            "upload_s_p50": round(statistics.median(upload_seconds), 2) if upload_seconds else None,
            "rows_expected": demo_check_ins + len(expected_rows),
            "rows_present": present,
            "rows_lost": len(expected_rows) - found,
            "rows_extra": present - demo_check_ins - found,
        }
    finally:
        stop(replicas)
        if not args.keep:
            psql(args.server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
