"""Exports of other OKR tools, recognised by their content and converted into the workbook tables.

Each format is one module with NAME, TITLE, `detect(file_name, data) -> bool` (cheap, by content)
and `read(files, max_bytes) -> Export`; loaders.formats.convert turns any Export into tables. To add a
format, write its module and list it in FORMATS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.formats import betterworks, burning_okr, okr_for_jira, quantive, viva_goals, viva_goals_template
from loaders.formats.model import Export
from loaders.formats.source import JsonRejected, NotThisFormat, SourceFile
from loaders.problems import FileRejected, Problem

FORMATS = {
    module.NAME: module
    for module in (viva_goals, viva_goals_template, quantive, burning_okr, okr_for_jira, betterworks)
}
# A file naming the format an upload was forced to be read as, kept with the upload so that a rebuild
# reads it the same way.
FORMAT_SUFFIX = ".import-format.txt"


def format_name(text: str) -> str | None:
    """The registered name of a format as people type it: "viva-goals", "Viva Goals", "jira"."""
    key = re.sub(r"[^a-z0-9]", "", str(text).lower())
    for name, module in FORMATS.items():
        if key in {re.sub(r"[^a-z0-9]", "", n.lower()) for n in (name, module.TITLE, *module.ALIASES)}:
            return name
    return None


def recognise(file_name: str, data: bytes) -> str | None:
    """The format of a file, by its content; None for a file of none of them."""
    from loaders.formats import source

    try:
        for name, module in FORMATS.items():
            try:
                if module.detect(file_name, data):
                    return name
            except Exception:  # a damaged file is refused by the reader that takes it, with its reason
                continue
        return None
    finally:
        source.forget_peek()


@dataclass
class Recognised:
    exports: list[Export] = field(default_factory=list)
    rest: list = field(default_factory=list)  # files of no known export format (UploadedFile)
    problems: list[Problem] = field(default_factory=list)


def read_exports(files: list, forced: str | None, max_bytes: int) -> Recognised:
    """The exports among `files` (store.database.UploadedFile): each file recognised by content, or all
    read as the `forced` format; the files of one format make one export (Viva Goals' loose JSON files)."""
    out = Recognised()
    groups: dict[str, list] = {}
    for file in files:
        if file.file_name.endswith(FORMAT_SUFFIX):
            forced = forced or format_name(file.content.decode("utf-8", errors="replace").strip())
    for file in files:
        if file.file_name.endswith(FORMAT_SUFFIX):
            continue
        if len(file.content) > max_bytes:  # refused before it is read, as read_grids refuses a workbook
            out.rest.append(file)
            continue
        name = forced if forced else recognise(file.file_name, file.content)
        if name is None:
            out.rest.append(file)
        else:
            groups.setdefault(name, []).append(file)
    for name, members in groups.items():  # the other files of an export (Viva Goals' Users_….json)
        companion = getattr(FORMATS[name], "companion", None)
        if companion is not None:
            members.extend(f for f in out.rest if companion(f.file_name, f.content))
            out.rest = [f for f in out.rest if not companion(f.file_name, f.content)]
    for name, members in groups.items():
        module = FORMATS[name]
        label = ", ".join(f.file_name for f in members)
        try:
            export = module.read([SourceFile(f.file_name, f.content) for f in members], max_bytes)
        except NotThisFormat as exc:
            if forced:
                article = "an" if module.TITLE[0] in "AEIOU" else "a"
                out.problems.append(Problem(label, "", None, "", f"not {article} {module.TITLE} export: {exc}"))
            else:
                out.rest.extend(members)
            continue
        except (FileRejected, JsonRejected) as exc:
            out.problems.append(Problem(label, "", None, "", f"{module.TITLE}: {exc}"))
            continue
        export.files = export.files or [f.file_name for f in members]
        out.exports.append(export)
    return out


def take_exports(files: list, forced: str | None, max_bytes: int, stored: dict | None, defaults: dict | None = None):
    """The tables converted from the exports among `files`: (tables by name, problems, import reports,
    the files that are no export). Used by loaders.ingest.parse_files before the spreadsheet path."""
    from loaders.formats.convert import convert

    recognised = read_exports(files, forced, max_bytes)
    tables, problems, reports = {}, list(recognised.problems), []
    for export in recognised.exports:
        converted = convert(export, stored or {}, ", ".join(export.files), defaults)
        problems.extend(converted.problems)
        reports.append(converted.report)
        for name, item in converted.tables.items():
            if name in tables:
                problems.append(
                    Problem(
                        item.file,
                        item.sheet,
                        None,
                        "",
                        f"{item.table.sheet} rows come from two exports; upload them one at a time",
                    )
                )
            else:
                tables[name] = item
    return tables, problems, reports, recognised.rest
