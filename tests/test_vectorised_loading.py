"""Cells are coerced a column at a time (Arrow/NumPy passes, each distinct value through
`_coerce_cell` once) and regular CSV files are split by Arrow's parser: each shortcut must give
exactly what reading and coercing cell by cell gives — values, their types, and every message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import coerce, parse, read
from store.schema import CHECK_INS, TABLES

WHITESPACE_SAMPLE = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000"
TYPED = [
    "1200",
    "-12.5",
    "45%",
    "$1,200",
    "€1,234.50",
    "(1,000)",
    "1.234,5",
    "12,5",
    "1,234",
    " 7 ",
    "7\xa0",
    "1e5",
    "inf",
    "-Infinity",
    "NaN",
    "N/A",
    "n/a",
    "NA",
    "-",
    "—",
    "None",
    "null",
    "#N/A",
    "",
    "   ",
    "abc",
    "1,2,3",
    "0x10",
    "1_000",
    "٣",
    "9" * 35,
    "9" * 29,
    "-0",
    ".5",
    "5.",
    "+5",
    "-$5",
    "45%%",
    "2027-05-31",
    "31/05/2027",
    "05/31/2027",
    "04/05/27",
    "46538",
    "46538.7",
    "0",
    "Q3",
    "2027-13-01",
    "2027-05",
    "good progress",
    "COMPLETED",
    "stay-above",
    "Currency",
    "x" * 40,
    "é" * 5,
]
COLUMNS = list({(c.kind, c.choices): c for table in TABLES for c in table.columns}.values())


def by_cell(column, cells, sheet) -> list[tuple[str, object]]:
    outcomes = []
    for cell in cells:
        try:
            outcomes.append(("value", parse._coerce_cell(column, cell, sheet)))
        except coerce.CellError as exc:
            outcomes.append(("problem", str(exc)))
    return outcomes


def by_column(column, cells, sheet) -> list[tuple[str, object]]:
    coerced = parse._coerce_column(column, cells, sheet)
    values = coerced.values
    values = values.tolist() if isinstance(values, np.ndarray) else values.to_pylist()
    values = [None if isinstance(v, float) and math.isnan(v) else v for v in values]
    problems = dict(coerced.problems)
    assert len(problems) == len(coerced.problems)
    outcomes = [("problem", problems[i]) if i in problems else ("value", v) for i, v in enumerate(values)]
    assert coerced.filled.tolist() == [kind == "problem" or v is not None for kind, v in outcomes]
    assert all(values[i] is None for i in problems)
    return outcomes


def same(expected: list[tuple[str, object]], got: list[tuple[str, object]]) -> None:
    assert [(k, type(v), v) for k, v in got] == [(k, type(v), v) for k, v in expected]
    signs = [(math.copysign(1, v) if isinstance(v, float) else None) for _, v in expected]
    assert signs == [(math.copysign(1, v) if isinstance(v, float) else None) for _, v in got]


cells_as_read = st.lists(
    st.one_of(
        st.sampled_from(TYPED),
        st.text(alphabet="0123456789.,-$%€ ()aNn/\xa0"),
        st.floats(),
        st.integers(-(10**6), 3 * 10**6),
        st.booleans(),
        st.none(),
        st.dates(),
        st.datetimes(),
        st.sampled_from([read.UncalculatedFormula("=A1*2"), read.ExcelError("#DIV/0!"), read.OverlongText(40_000)]),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(column=st.sampled_from(COLUMNS), cells=cells_as_read, decimal_comma=st.booleans(), date1904=st.booleans())
def test_a_workbook_column_coerces_as_its_cells_do(column, cells, decimal_comma, date1904):
    sheet = read.RawSheet("s", [], decimal_comma=decimal_comma, date1904=date1904)
    same(by_cell(column, cells, sheet), by_column(column, cells, sheet))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(COLUMNS),
    decimal_comma=st.booleans(),
    texts=st.lists(
        st.one_of(st.sampled_from(TYPED), st.text(alphabet="0123456789.,-$%€ ()aNn/\xa0\u3000")), max_size=25
    ),
)
def test_a_csv_column_read_whole_coerces_as_its_stripped_cells_do(column, texts, decimal_comma):
    sheet = read.RawSheet("s", [], decimal_comma=decimal_comma, unstripped=True)
    expected = by_cell(column, [t.strip() for t in texts], sheet)
    same(expected, by_column(column, pa.chunked_array([pa.array(texts, type=pa.string())]), sheet))


def test_a_cell_longer_than_excel_allows_is_measured_stripped_in_a_csv_column():
    column = CHECK_INS.column("comment")
    texts = ["x" * read.MAX_CELL_CHARS + "  ", "y" * (read.MAX_CELL_CHARS + 1)]
    outcomes = by_column(column, pa.chunked_array([pa.array(texts)]), read.RawSheet("s", [], unstripped=True))
    assert outcomes == [
        ("value", "x" * read.MAX_CELL_CHARS),
        (
            "problem",
            "the cell holds 32,768 characters; a spreadsheet cell holds at most 32,767 (Excel's limit): shorten it",
        ),
    ]


def test_the_whitespace_stripped_is_exactly_pythons():
    assert set(coerce.WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@given(st.lists(st.text(alphabet=WHITESPACE_SAMPLE + "ab é"), max_size=20))
def test_stripping_a_column_strips_each_text(texts):
    assert coerce.stripped(pa.array(texts, type=pa.string())).to_pylist() == [t.strip() for t in texts]


@pytest.mark.parametrize(
    "decimal_comma, text, number",
    [
        (False, "1200", 1200.0),
        (False, "-12.5", -12.5),
        (False, "45%", 45.0),
        (False, "$1,200.50", 1200.5),
        (False, "€300", 300.0),
        (False, "1,234", 1234.0),
        (True, "1.234,5", 1234.5),
        (True, "-3,5", -3.5),
        (True, "12.5", 125.0),
        (True, "$5,5%", 5.5),
    ],
)
def test_the_common_forms_are_read_in_one_pass(decimal_comma, text, number):
    plain, numbers = coerce.plain_numbers(pa.array([text]), decimal_comma)
    assert plain.tolist() == [True] and numbers.tolist() == [number] == [coerce.to_number(text, decimal_comma)]


@given(st.lists(st.text(alphabet="0123456789.,-$€%( )e", max_size=12), max_size=30), st.booleans())
def test_numbers_read_in_one_pass_are_those_to_number_reads(texts, decimal_comma):
    plain, numbers = coerce.plain_numbers(pa.array(texts, type=pa.string()), decimal_comma)
    for text, is_plain, number in zip(texts, plain, numbers):
        if is_plain:
            assert number == coerce.to_number(text, decimal_comma), text
        else:
            assert math.isnan(number)


def rows_by_the_csv_module(text: str, delimiter: str) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab ,;"\n\r\t\xa0', max_size=60), st.sampled_from(",;\t"))
def test_a_regular_csv_read_by_arrow_splits_as_the_csv_module_does(text, delimiter):
    text = read.unified_newlines(text)
    columns = read._regular_csv_columns(text, delimiter)
    if columns is not None:
        sheet = read.RawSheet("s", columns=columns, unstripped=True)
        assert sheet.rows == rows_by_the_csv_module(text, delimiter)
        assert sheet.head(2) == sheet.rows[:2]


def test_a_regular_csv_is_read_by_arrow_and_an_irregular_one_by_the_csv_module():
    regular = read.read_grids("CheckIns.csv", b'kr_id,date,value\nK1,2027-05-31,"$1,200"\nK2, 2027-06-30 ,5\n')[0]
    assert regular.columns is not None
    assert regular.rows == [["kr_id", "date", "value"], ["K1", "2027-05-31", "$1,200"], ["K2", "2027-06-30", "5"]]
    irregular = read.read_grids("CheckIns.csv", b"Progress, May\nkr_id,date,value\nK1,2027-05-31,5\n")[0]
    assert irregular.columns is None
    assert irregular.rows == [["Progress", "May"], ["kr_id", "date", "value"], ["K1", "2027-05-31", "5"]]


def test_a_date_column_of_many_rows_keeps_each_cells_date():
    column = CHECK_INS.column("date")
    cells = [dt.datetime(2027, 5, 31, 9), dt.date(2027, 5, 30), 46538.0, "31/05/2027", None, ""] * 1000
    same(by_cell(column, cells, read.RawSheet("s", [])), by_column(column, cells, read.RawSheet("s", [])))


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["K1", "K2", "k1", " K1", ""]), st.text(max_size=3)), max_size=30),
    st.sets(st.one_of(st.sampled_from(["K1", "K2", ""]), st.text(max_size=3)), max_size=6),
)
def test_the_reference_lookup_in_one_arrow_pass_is_pandas_isin(values, known):
    from loaders.validate import _is_in

    texts = pd.Series(values, dtype="str")
    assert _is_in(texts, known).tolist() == texts.isin(known).tolist()
