"""Several app replicas over one PostgreSQL database: uploads from separate processes at once lose
nothing, a reader never sees half an upload, and what one process commits shows on every replica
at its next page run (the caches key on the data version, read on every run)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from bench.load import PageClient, free_port, healthy, start_replica, stop, wait_until_healthy
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile
from tests.conftest import DEMO_WORKBOOK, PROJECT_ROOT, SMALL_WORKBOOK, demo_sheets, fresh_database, xlsx_bytes

LANES = ("lane-a", "lane-b")  # two writers, as two replicas' upload pages would be
FILES_PER_LANE = 10
ROWS_PER_FILE = 2
UPLOAD_DATE = pd.Timestamp(2027, 5, 20)  # the demo has no check-ins on this day: every row is new
NEW_TEAM = "Replica Check Team"

# A lane: open a Store as a replica's process does, say it is ready, wait for the start signal so
# both lanes write at the same moment, then upload each file in turn through check_and_store.
UPLOADER = """
import json, pathlib, sys, time
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile
database, folder, lane, start = sys.argv[1:5]
store = Store.open(database)
(pathlib.Path(folder) / "ready").touch()
while not pathlib.Path(start).exists():
    time.sleep(0.01)
results = []
for path in sorted(pathlib.Path(folder).glob("*.xlsx")):
    result = check_and_store(store, [UploadedFile(path.name, path.read_bytes())], lane)
    results.append({"file": path.name, "stored": result.stored, "rows": result.rows_changed,
                    "errors": [problem.problem for problem in result.errors]})
store.close()
print(json.dumps(results))
"""


def test_a_commit_through_one_store_is_seen_by_another(store_target):
    """The cache-invalidation contract: another Store (another replica) sees a new data version and
    the new rows at its next read; an upload that changes nothing leaves the version alone."""
    writer, reader = Store.open(store_target), Store.open(store_target)
    version = reader.data_version()
    assert reader.row_counts()["check_ins"] == 0

    upload = [UploadedFile("small.xlsx", xlsx_bytes(SMALL_WORKBOOK))]
    assert check_and_store(writer, upload, "lead").stored
    assert reader.data_version() > version
    assert reader.row_counts()["check_ins"] == len(SMALL_WORKBOOK["CheckIns"]) - 1

    version = reader.data_version()
    assert not check_and_store(writer, upload, "lead").stored
    assert reader.data_version() == version
    writer.close()
    reader.close()


def _lane_files(tmp_path, krs: pd.DataFrame) -> dict[str, list[tuple[str, pd.Timestamp, float]]]:
    """Each lane's folder of check-in workbooks, distinct rows throughout; the rows per lane."""
    rows_by_lane = {}
    for lane_number, lane in enumerate(LANES):
        folder = tmp_path / lane
        folder.mkdir()
        rows_by_lane[lane] = []
        for file_number in range(FILES_PER_LANE):
            first = (lane_number * FILES_PER_LANE + file_number) * ROWS_PER_FILE
            chosen = krs.iloc[first : first + ROWS_PER_FILE]
            rows = [(kr_id, UPLOAD_DATE, float(value)) for kr_id, value in zip(chosen["kr_id"], chosen["target_value"])]
            sheet = [
                ["kr_id", "date", "value", "comment"],
                *[[kr_id, date.date(), value, f"{lane} file {file_number}"] for kr_id, date, value in rows],
            ]
            (folder / f"{file_number:02d}.xlsx").write_bytes(xlsx_bytes({"CheckIns": sheet}))
            rows_by_lane[lane] += rows
    return rows_by_lane


@pytest.fixture
def shared_database(tmp_path) -> str:
    """A PostgreSQL database holding the demo upload."""
    database = fresh_database(tmp_path, "postgres")
    store = Store.open(database)
    assert check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "admin").errors == []
    store.close()
    return database


@pytest.fixture
def replica_ports(shared_database, tmp_path):
    """Two app processes (`streamlit run app.py`) on the shared database; their loopback ports."""
    ports = [free_port(), free_port()]
    replicas = [start_replica(port, shared_database, tmp_path / f"replica-{port}.log") for port in ports]
    try:
        wait_until_healthy(ports, replicas)
        yield ports
    finally:
        stop(replicas)


def test_two_replicas_and_two_writers_lose_nothing(shared_database, replica_ports, tmp_path):
    workbook = demo_sheets()
    demo_check_ins = len(workbook["CheckIns"])
    krs = workbook["KeyResults"]
    krs = krs[krs["measure"].isin(["number", "percent", "currency"]) & krs["target_value"].notna()]
    assert len(krs) >= len(LANES) * FILES_PER_LANE * ROWS_PER_FILE
    assert not (pd.to_datetime(workbook["CheckIns"]["date"]) == UPLOAD_DATE).any()
    rows_by_lane = _lane_files(tmp_path, krs)

    # Each replica serves a page (and caches the tables) before anything else is written.
    viewers = [PageClient(port) for port in replica_ports]
    for viewer in viewers:
        _, page = viewer.view()
        assert b"Sales" in page and NEW_TEAM.encode() not in page

    store = Store.open(shared_database)
    version_before = store.data_version()

    # A reader watching while the writers run: in one transaction, the uploads and the check-ins
    # it sees must always add up (every upload here stores ROWS_PER_FILE check-ins).
    seen: list[tuple[int, int]] = []
    writing = threading.Event()

    def watch() -> None:
        reader = Store.open(shared_database)
        while writing.is_set():
            cursor = reader._cursor()
            cursor.begin()
            uploads = cursor.execute("SELECT count(*) FROM uploads").fetchone()[0]
            check_ins = cursor.execute("SELECT count(*) FROM check_ins").fetchone()[0]
            cursor.rollback()
            seen.append((uploads, check_ins))
        reader.close()

    start = tmp_path / "start"
    lanes = [
        subprocess.Popen(
            [sys.executable, "-c", UPLOADER, shared_database, str(tmp_path / lane), lane, str(start)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lane in LANES
    ]
    deadline = time.monotonic() + 180
    while not all((tmp_path / lane / "ready").exists() for lane in LANES):
        assert all(lane.poll() is None for lane in lanes), "an upload lane exited before starting"
        assert time.monotonic() < deadline, "the upload lanes did not get ready"
        time.sleep(0.05)
    writing.set()
    watcher = threading.Thread(target=watch)
    watcher.start()
    start.touch()
    outputs = [lane.communicate(timeout=600) for lane in lanes]
    writing.clear()
    watcher.join()

    for lane, (out, err) in zip(lanes, outputs):
        assert lane.returncode == 0, err
        results = json.loads(out)
        assert [(r["stored"], r["rows"], r["errors"]) for r in results] == [(True, ROWS_PER_FILE, [])] * FILES_PER_LANE

    uploads_by_lane = store.uploads().groupby("uploaded_by")["upload_id"].nunique().to_dict()
    assert uploads_by_lane == {"admin": 1, **{lane: FILES_PER_LANE for lane in LANES}}
    assert store.uploads()["upload_id"].is_unique
    check_ins = store.read_table("check_ins")
    assert len(check_ins) == demo_check_ins + len(LANES) * FILES_PER_LANE * ROWS_PER_FILE
    stored = set(zip(check_ins["kr_id"], check_ins["date"], check_ins["value"]))
    missing = [row for rows in rows_by_lane.values() for row in rows if row not in stored]
    assert missing == []
    # Every upload bumped the version once: none was lost, none applied twice by a retry.
    assert store.data_version() == version_before + len(LANES) * FILES_PER_LANE

    assert seen, "the reader saw nothing"
    torn = [(u, c) for u, c in seen if c != demo_check_ins + (u - 1) * ROWS_PER_FILE]
    assert torn == []

    # A third process commits; each replica shows it at its viewer's next interaction.
    teams = {
        "Teams": [
            ["team", "group", "lead", "lead_email"],
            [NEW_TEAM, workbook["Teams"]["group"].iloc[0], "Rae Plica", "rae@example.com"],
        ]
    }
    assert check_and_store(store, [UploadedFile("team.xlsx", xlsx_bytes(teams))], "admin").stored
    store.close()
    for port, viewer in zip(replica_ports, viewers):
        assert healthy(port)
        _, page = viewer.view()
        assert NEW_TEAM.encode() in page, f"the replica on port {port} still shows the old teams"
        _, page = viewer.view("teams")
        assert NEW_TEAM.encode() in page
        viewer.close()


def _nginx_upstreams(config: str) -> list[str]:
    upstream = config[config.index("upstream okr_app") :]
    upstream = upstream[: upstream.index("}")]
    return [line.split()[1] for line in upstream.splitlines() if line.strip().startswith("server ")]


def test_the_proxy_pins_browsers_and_upgrades_the_websocket():
    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    upstream = config[config.index("upstream okr_app") :]
    assert upstream[: upstream.index("}")].split("{")[1].split()[0] in ("hash", "ip_hash")  # sticky first
    stream = config[config.index("location /_stcore/stream") :]
    stream = stream[: stream.index("}")]
    for header in ("Upgrade $http_upgrade", "Connection $connection_upgrade", "Host $http_host"):
        assert f"proxy_set_header {header};" in stream
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text()
    ports = {upstream.rsplit(":", 1)[1] for upstream in _nginx_upstreams(config)}
    assert ports == {"8501"} and '"--server.port", "8501"' in dockerfile
    assert '"--server.enableXsrfProtection", "true"' in dockerfile


def test_compose_runs_two_replicas_behind_the_proxy_over_postgresql():
    yaml = pytest.importorskip("yaml")  # not a project dependency; checked where it is installed
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    services = compose["services"]
    apps = [
        name
        for name, service in services.items()
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile" and "healthcheck" in service
    ]
    assert sorted(apps) == ["app1", "app2"] and services["app1"] == services["app2"]
    assert (PROJECT_ROOT / services["app1"]["build"]["dockerfile"]).is_file()
    assert services["app1"]["environment"]["OKR_DB"].startswith("postgresql://okr:${OKR_DB_PASSWORD")
    assert services["app1"]["environment"]["OKR_DB"].endswith("@db:5432/okr")
    assert services["db"]["image"] == "postgres:15" and services["db"]["volumes"][0].endswith(
        ":/var/lib/postgresql/data"
    )
    config_mount = services["proxy"]["volumes"][0].split(":")
    assert config_mount[1] == "/etc/nginx/nginx.conf" and (PROJECT_ROOT / config_mount[0]).is_file()
    assert sorted(_nginx_upstreams((PROJECT_ROOT / config_mount[0]).read_text())) == ["app1:8501", "app2:8501"]
    for name in ("app1", "app2", "db", "proxy"):
        assert "healthcheck" in services[name], name


def test_stores_in_one_process_share_the_loaded_extension_and_detach_when_closed(tmp_path):
    """A replica opens the store for each operation: each opening attaches the server to the one DuckDB
    instance that loaded the extension, as a catalog of its own, which closing detaches."""
    from store import database

    target = fresh_database(tmp_path, "postgres")
    first, second = Store.open(target), Store.open(target)
    catalogs = {first._catalog, second._catalog}
    try:
        result = check_and_store(first, [UploadedFile("small.xlsx", xlsx_bytes(SMALL_WORKBOOK))], "tester")
        assert result.errors == []
        assert second.data_version() == first.data_version() > 0
        assert second.row_counts() == first.row_counts()
        assert second.row_counts()["key_results"] > 0
    finally:
        first.close()
    try:
        assert second.uploads()["file_name"].tolist() == ["small.xlsx"]
    finally:
        second.close()
    cursor = database._server_cursor()
    attached = {name for (name,) in cursor.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    cursor.close()
    assert len(catalogs) == 2 and not catalogs & attached
