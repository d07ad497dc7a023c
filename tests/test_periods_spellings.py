"""Spellings people use in the files they bring: yes/no words, period spellings, date orders."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from conftest import SMALL_WORKBOOK, xlsx_bytes
from loaders import coerce
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile


def ingest(store, name: str, data: bytes, **kwargs):
    return check_and_store(store, [UploadedFile(name, data)], uploaded_by="tester", **kwargs)


@pytest.fixture
def local_store(tmp_path):
    opened = Store.open(str(tmp_path / "okr.duckdb"))
    yield opened
    opened.close()


def workbook_with_binary_kr() -> dict[str, list[list]]:
    sheets = copy.deepcopy(SMALL_WORKBOOK)
    sheets["KeyResults"].append(
        ["ENG-KR2", "ENG-O1", "Partner portal live", "output", "binary", None, 0, 1, "increase", "Tom Berg",
         dt.date(2027, 4, 1), dt.date(2027, 6, 30), 1, None, None, None])
    return sheets


# --- yes/no words -----------------------------------------------------------------------------------

@pytest.mark.parametrize("word, expected", [
    ("sim", 1.0), ("não", 0.0), ("nao", 0.0), ("Sí", 1.0), ("si", 1.0), ("no", 0.0), ("ja", 1.0),
    ("Nein", 0.0), ("oui", 1.0), ("non", 0.0), ("TRUE", 1.0), ("false", 0.0), ("Yes", 1.0), (" y ", 1.0),
    ("n", 0.0), ("1", 1.0), ("0", 0.0), (True, 1.0), (False, 0.0),
])
def test_yes_no_words_are_1_and_0(word, expected):
    assert coerce.to_number(word) == expected


def test_a_word_that_is_not_yes_or_no_is_still_refused():
    with pytest.raises(coerce.CellError, match='"maybe" is not a number'):
        coerce.to_number("maybe")


def test_binary_check_ins_written_as_words_store_1_and_0(local_store):
    assert ingest(local_store, "okrs.xlsx", xlsx_bytes(workbook_with_binary_kr())).errors == []
    csv = ("kr_id,date,value\nENG-KR2,2027-04-30,não\nENG-KR2,2027-05-15,nein\nENG-KR2,2027-05-31,Sim\n"
           "ENG-KR2,2027-06-15,oui\nENG-KR2,2027-06-20,sí\n")
    result = ingest(local_store, "CheckIns.csv", csv.encode())
    assert result.errors == [], result.errors
    check_ins = local_store.read_table("check_ins")
    values = check_ins[check_ins["kr_id"] == "ENG-KR2"].sort_values("date")["value"].tolist()
    assert values == [0.0, 0.0, 1.0, 1.0, 1.0]
