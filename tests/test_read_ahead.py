"""loaders.read.ReadAhead: the command line's files read in a forked child give what read_grids gives here.

The fork runs in a fresh Python process (as `python -m loaders ingest` forks before its imports), never
in the test process, which runs DuckDB's and Arrow's threads by now."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import PROJECT_ROOT, SMALL_WORKBOOK, xlsx_bytes

CHILD_SCRIPT = r"""
import json, os, signal, sys
sys.path.insert(0, sys.argv[1])
from loaders.problems import FileRejected
from loaders.read import CLI_MAX_FILE_BYTES, ReadAhead, read_grids

workbook = open(sys.argv[2], "rb").read()
files = [
    ("okrs.xlsx", workbook),
    ("progress.csv", "kr_id;date;value\nKR-1;2027-05-31;1.234,5\n".encode()),
    ("broken.xlsx", b"PK\x03\x04 not a zip archive at all"),
]


def outcome(read, name, data):
    try:
        sheets = read(name, data, CLI_MAX_FILE_BYTES)
    except FileRejected as exc:
        return ["rejected", str(exc)]
    return ["sheets", [[s.name, s.rows, sorted(s.percent_cells), s.decimal_comma] for s in sheets]]


here = [outcome(read_grids, name, data) for name, data in files]
with ReadAhead(files, CLI_MAX_FILE_BYTES) as ahead:
    forked = ahead._child is not None
    from_child = [outcome(ahead, name, data) for name, data in files]
    child_gone = ahead._child is None
    again = outcome(ahead, *files[0])  # taken once: a second ingest reads the file itself
    other = outcome(ahead, "other.xlsx", bytes(workbook))  # bytes it was not given
with ReadAhead(files, CLI_MAX_FILE_BYTES) as ahead:
    os.kill(ahead._child, signal.SIGKILL)
    after_kill = [outcome(ahead, name, data) for name, data in files]
print(json.dumps({
    "forked": forked, "child_gone": child_gone, "here": here, "from_child": from_child,
    "again": again, "other": other, "after_kill": after_kill,
}, default=str))
"""


def test_files_read_ahead_in_a_child_equal_those_read_here(tmp_path):
    path = tmp_path / "okrs.xlsx"
    path.write_bytes(xlsx_bytes(SMALL_WORKBOOK))
    done = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT, str(PROJECT_ROOT), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    here = found["here"]
    assert [kind for kind, _ in here] == ["sheets", "sheets", "rejected"]
    assert here[0][1][0][0] == "Teams" and here[0][1][0][1][1][:2] == ["Sales", "Business"]
    assert here[1][1][0][3] is True  # the semicolon-separated file reads with a decimal comma
    assert "damaged" in here[2][1]
    assert found["forked"] and found["child_gone"]
    assert found["from_child"] == here
    assert found["again"] == here[0] and found["other"] == here[0]
    assert found["after_kill"] == here  # a child that never answered: every file read here
