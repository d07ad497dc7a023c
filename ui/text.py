"""User text inside Markdown, and totals that say what they leave out."""

import re


def literal(text: object) -> str:
    """User text (names, titles, reasons, problems quoting cells) shown as typed: every ASCII
    punctuation mark is escaped, so nothing in it is read as Markdown or HTML."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(str(text).split()))


def total_with_reasons(shown: int, total: int, noun: str, reasons: dict[str, int]) -> str:
    """A total that another page counts differently, with why: "112 of 121 KRs: 9 of yearly objectives
    left out" (a reason with no KR is not named); the bare "121 KRs" when nothing is left out."""
    if shown == total:
        return f"{total:,} {noun}"
    why = " · ".join(f"{count:,} {reason}" for reason, count in reasons.items() if count)
    return f"{shown:,} of {total:,} {noun}" + (f": {why}" if why else "")
