"""User text inside Markdown."""

import re


def literal(text: object) -> str:
    """User text (names, titles, reasons, problems quoting cells) shown as typed: every ASCII
    punctuation mark is escaped, so nothing in it is read as Markdown or HTML."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(str(text).split()))
