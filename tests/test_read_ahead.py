"""loaders.read.ReadAhead: workbooks whose columns a forked child reads give what read_grids gives here.

The fork runs in a fresh Python process (as `python -m loaders ingest` forks before its imports), never
in the test process, which runs DuckDB's and Arrow's threads by now."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from conftest import PROJECT_ROOT, SMALL_WORKBOOK, xlsx_bytes

CHILD_SCRIPT = r"""
import json, os, pathlib, signal, sys
sys.path.insert(0, sys.argv[1])
from loaders import read
from loaders.problems import FileRejected
from loaders.read import CLI_MAX_FILE_BYTES, ReadAhead, read_grids

files = [(path.name, path.read_bytes()) for path in sorted(pathlib.Path(sys.argv[2]).iterdir())]


def outcome(read, name, data):
    try:
        sheets = read(name, data, CLI_MAX_FILE_BYTES)
    except FileRejected as exc:
        return ["rejected", str(exc)]
    return [
        [s.name, s.columns is not None, [[str(cell) for cell in row] for row in s.rows], sorted(s.percent_cells)]
        for s in sheets
    ]


here = {name: outcome(read_grids, name, data) for name, data in files}
read_here = []  # the workbooks whose columns this process read (the child forked first reads with the original)
reading = read._loaded_columns
with ReadAhead(files, CLI_MAX_FILE_BYTES) as ahead:
    read._loaded_columns = lambda data, *rest: read_here.append(len(data)) or reading(data, *rest)
    forked = ahead._child is not None
    from_child = {name: outcome(ahead, name, data) for name, data in files}
    child_gone, read_by_child = ahead._child is None, not read_here
    again = outcome(ahead, *files[0])  # asked for once: a second ingest reads the file here
    other = outcome(ahead, files[0][0], bytes(files[0][1]))  # bytes it was not given
    read_again = len(read_here)
read._loaded_columns = reading
with ReadAhead(files, CLI_MAX_FILE_BYTES) as ahead:
    os.kill(ahead._child, signal.SIGKILL)
    after_kill = {name: outcome(ahead, name, data) for name, data in files}
print(json.dumps({
    "forked": forked, "child_gone": child_gone, "read_by_child": read_by_child, "read_again": read_again,
    "here": here, "from_child": from_child, "again": again, "other": other, "after_kill": after_kill,
}))
"""


def _workbook(cells: dict[str, object], number_formats: dict[str, str] | None = None) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CheckIns"
    sheet.append(["kr_id", "date", "value"])
    for reference, value in cells.items():
        sheet[reference] = value
    for reference, number_format in (number_formats or {}).items():
        sheet[reference].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_workbooks_read_ahead_in_a_child_equal_those_read_here(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    plain = xlsx_bytes(SMALL_WORKBOOK)
    (folder / "a_okrs.xlsx").write_bytes(plain)
    (folder / "b_percent.xlsx").write_bytes(
        _workbook({"A2": "SAL-O2-KR3", "B2": "2027-05-31", "C2": 0.45, "A3": "SAL-O2-KR1", "C3": 0.5}, {"C2": "0%"})
    )
    # openpyxl saves a formula without its result: that sheet is read cell by cell, the formula reported.
    (folder / "c_formula.xlsx").write_bytes(_workbook({"A2": "SAL-O2-KR3", "B2": "2027-05-31", "C2": "=1+1"}))
    (folder / "d_progress.csv").write_bytes(b"kr_id;date;value\nKR-1;2027-05-31;1.234,5\n")
    (folder / "e_broken.xlsx").write_bytes(b"PK\x03\x04 not a zip archive at all")
    done = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT, str(PROJECT_ROOT), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    here = found["here"]
    assert here["a_okrs.xlsx"][0][:2] == ["Teams", True] and here["a_okrs.xlsx"][0][2][1][:2] == ["Sales", "Business"]
    assert here["b_percent.xlsx"] == [
        [
            "CheckIns",
            True,
            [["kr_id", "date", "value"], ["SAL-O2-KR3", "2027-05-31", "45.0"], ["SAL-O2-KR1", "", "0.5"]],
            [[1, 2]],
        ]
    ]
    assert here["c_formula.xlsx"][0][1] is False
    assert here["c_formula.xlsx"][0][2][1][2] == "UncalculatedFormula(formula='=1+1')"
    assert here["d_progress.csv"][0][2][1] == ["KR-1", "2027-05-31", "1.234,5"]
    assert here["e_broken.xlsx"][0] == "rejected" and "damaged" in here["e_broken.xlsx"][1]
    assert found["forked"] and found["child_gone"] and found["read_by_child"]
    assert found["from_child"] == here
    assert found["read_again"] == 2
    assert found["again"] == here["a_okrs.xlsx"] and found["other"] == here["a_okrs.xlsx"]
    assert found["after_kill"] == here  # a child that never answered: every file read here


def test_the_command_reads_ahead_only_with_a_core_to_spare(monkeypatch):
    from loaders import __main__ as cli

    monkeypatch.setattr(cli.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cli.os, "getloadavg", lambda: (3.9, 6.0, 6.0))
    assert cli.a_core_is_free()
    monkeypatch.setattr(cli.os, "getloadavg", lambda: (4.0, 1.0, 1.0))
    assert not cli.a_core_is_free()

    def no_load_average():
        raise OSError("no load average")

    monkeypatch.setattr(cli.os, "getloadavg", no_load_average)
    assert cli.a_core_is_free()
