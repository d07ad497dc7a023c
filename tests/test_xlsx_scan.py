"""The search for formula elements in a worksheet's XML (what decides whether a sheet is parsed for
formulas without saved results): the one-byte search and its fallback find what the two-byte
searches find, on random texts."""

from __future__ import annotations

import random

import pytest

from loaders import workbook_xml


def two_byte_search(xml: bytes) -> bool:
    for needle in (b"<f", b":f"):
        position = xml.find(needle)
        while position >= 0:
            if position + 2 < len(xml) and xml[position + 2] in b" \t\r\n/>":
                return True
            position = xml.find(needle, position + 2)
    return False


@pytest.mark.parametrize("one_byte_searches", [100_000, 3, 0])
def test_the_formula_search_finds_what_the_two_byte_searches_find(monkeypatch, one_byte_searches):
    monkeypatch.setattr(workbook_xml, "_ONE_BYTE_SEARCHES", one_byte_searches)
    rng = random.Random(23)
    for _ in range(5_000):
        xml = bytes(rng.choice(b'<f:x />\n"e abcf') for _ in range(rng.randint(0, 40)))
        assert workbook_xml._may_hold_formulas(xml) == two_byte_search(xml), xml
    assert workbook_xml._may_hold_formulas(b'<c r="A2"><f>SUM(B1)</f></c>')
    assert workbook_xml._may_hold_formulas(b'<x:c><x:f t="shared" si="0"/></x:c>')
    assert not workbook_xml._may_hold_formulas(b'<c t="inlineStr"><is><t>full of fine fluff</t></is></c>')
