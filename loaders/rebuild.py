"""Recreate a database from the original files of its uploads.

Every upload keeps its files byte for byte (`upload_files`), with who uploaded it, when, and the date
given to check-ins of a file without a date column. A rebuild replays the uploads into an empty
database in their order, through the same `check_and_store` as the app and the CLI, under their
original ids, times and uploaders, and undoes again, at the same point of the sequence, the ones that
were undone. The data tables, their history and the upload records then equal the original's.

The originals come from a database whose `uploads` and `upload_files` tables can still be read (the
damage may be elsewhere), or from a folder that `export_uploads` wrote earlier (a backup kept away
from the database file, which survives the file being lost):

    DIR/uploads.json            the upload records and, for each file, its name, SHA-256 and path
    DIR/000042/1-<file name>    the bytes of each file of upload 42 (the name made safe for disk)

Exporting again adds the uploads made since and rewrites uploads.json (undos change it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pathlib
import re
from dataclasses import dataclass, field

from loaders.ingest import check_and_store
from loaders.problems import Problem
from loaders.read import CLI_MAX_FILE_BYTES
from store.database import RecordedUpload, Store, StoreError, UploadedFile

MANIFEST = "uploads.json"
MANIFEST_FORMAT = 1
MAX_STORED_NAME = 120  # characters of a file name kept in the name of its copy on disk


@dataclass
class NotReplayed:
    upload: RecordedUpload
    problems: list[Problem]


@dataclass
class RebuildResult:
    replayed: list[RecordedUpload] = field(default_factory=list)
    undone: list[RecordedUpload] = field(default_factory=list)
    not_replayed: list[NotReplayed] = field(default_factory=list)


class _ReplayingStore(Store):
    """A store that records the upload being replayed under its original id and time."""

    replaying: RecordedUpload | None = None

    def apply_upload(self, *args, **kwargs):
        return super().apply_upload(*args, **kwargs, replaying=self.replaying)


def rebuild(uploads: list[RecordedUpload], target: str) -> RebuildResult:
    """Replay `uploads` (oldest first) into the empty database `target`, and the undos among them at
    the point they happened: an undo comes before every upload made after it."""
    store = _ReplayingStore.open(target)
    try:
        if store.recorded_uploads():
            raise StoreError(f"the database {target} already holds uploads; rebuild into a new, empty database")
        result = RebuildResult()
        pending_undos = sorted((u for u in uploads if u.undone_at is not None), key=lambda u: u.undone_at)

        def undo_until(moment: dt.datetime | None) -> None:
            while pending_undos and (moment is None or pending_undos[0].undone_at <= moment):
                upload = pending_undos.pop(0)
                if upload.upload_id in {u.upload_id for u in result.replayed}:
                    store.undo_upload(upload.upload_id, upload.undone_by, upload.undone_at)
                    result.undone.append(upload)

        for upload in sorted(uploads, key=lambda u: u.upload_id):
            undo_until(upload.uploaded_at)
            store.replaying = upload
            # Accepted once, by the app or the command line: the larger cap lets either kind through.
            ingest = check_and_store(
                store,
                list(upload.files),
                upload.uploaded_by,
                default_date=upload.default_date,
                max_file_bytes=CLI_MAX_FILE_BYTES,
            )
            if ingest.stored:
                result.replayed.append(upload)
            else:
                result.not_replayed.append(
                    NotReplayed(
                        upload,
                        ingest.errors
                        or [
                            Problem(
                                ", ".join(f.file_name for f in upload.files),
                                "",
                                None,
                                "",
                                "changed nothing when replayed (was the upload made on other data?)",
                            )
                        ],
                    )
                )
        undo_until(None)
        return result
    finally:
        store.close()


def _stored_name(index: int, file_name: str) -> str:
    """A name for the copy of an uploaded file that is safe on any disk: the uploader chose the
    original (it may hold path separators or start with dots)."""
    safe = re.sub(r"[^\w.\- ]", "_", file_name).strip(" .") or "file"
    return f"{index}-{safe[-MAX_STORED_NAME:]}"


def _time(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def export_uploads(source: Store, folder: pathlib.Path) -> tuple[int, int]:
    """Write every upload's files and records into `folder` (see the module docstring); (uploads in
    the folder, files newly written). Files already there with the same bytes are not rewritten."""
    folder.mkdir(parents=True, exist_ok=True)
    records, written = [], 0
    for upload in source.recorded_uploads():
        files = []
        for index, file in enumerate(upload.files, start=1):
            relative = f"{upload.upload_id:06d}/{_stored_name(index, file.file_name)}"
            path = folder / relative
            if not (path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == file.sha256):
                path.parent.mkdir(exist_ok=True)
                _write_atomically(path, file.content)
                written += 1
            files.append(
                {"file_name": file.file_name, "sha256": file.sha256, "size_bytes": len(file.content), "path": relative}
            )
        records.append(
            {
                "upload_id": upload.upload_id,
                "uploaded_at": _time(upload.uploaded_at),
                "uploaded_by": upload.uploaded_by,
                "default_date": _time(upload.default_date),
                "undone_at": _time(upload.undone_at),
                "undone_by": upload.undone_by,
                "files": files,
            }
        )
    manifest = {"format": MANIFEST_FORMAT, "exported_at": dt.datetime.now(dt.UTC).isoformat(), "uploads": records}
    _write_atomically(folder / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
    return len(records), written


def _write_atomically(path: pathlib.Path, content: bytes) -> None:
    """A reader (or a rebuild after a crash) sees the old file or the new one, never half of one."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _parsed_time(text: str | None, kind=dt.datetime):
    return None if text is None else kind.fromisoformat(text)


def uploads_from_folder(folder: pathlib.Path) -> list[RecordedUpload]:
    """The uploads `export_uploads` wrote into `folder`, each file checked against its SHA-256."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise StoreError(
            f"{folder} holds no {MANIFEST}; it must be a folder written by python -m loaders export-uploads"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != MANIFEST_FORMAT:
            raise StoreError(
                f"{manifest_path} has format {manifest.get('format')!r}; this version reads format {MANIFEST_FORMAT}"
            )
        root = folder.resolve()
        uploads = []
        for record in manifest["uploads"]:
            files = []
            for entry in record["files"]:
                path = (folder / entry["path"]).resolve()
                if root not in path.parents:
                    raise StoreError(f"{manifest_path} names a file outside the folder: {entry['path']}")
                content = path.read_bytes() if path.is_file() else None
                if content is None or hashlib.sha256(content).hexdigest() != entry["sha256"]:
                    raise StoreError(
                        f"{path} is missing or differs from the file uploaded as upload {record['upload_id']} "
                        f"({entry['file_name']}); the backup is damaged: export it again from a database "
                        "that can still be read"
                    )
                files.append(UploadedFile(entry["file_name"], content))
            uploads.append(
                RecordedUpload(
                    int(record["upload_id"]),
                    _parsed_time(record["uploaded_at"]),
                    record["uploaded_by"],
                    _parsed_time(record["default_date"], dt.date),
                    _parsed_time(record["undone_at"]),
                    record["undone_by"],
                    tuple(files),
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{manifest_path} is not a valid export of uploads ({exc!r})") from exc
    return sorted(uploads, key=lambda u: u.upload_id)
