"""Uploaded files, once for every app: what a file is (by its bytes), whether a use accepts it,
where it is kept (a private root no web server serves) and how it leaves (through a scoped view,
and from the disk when its owner row goes).

- `sniff(upload)` names the kind of a file from its first bytes (and, for zip containers, its
  part names), never from its name or the client's content type.
- `check_upload(upload, use)` applies a use's allow-list and size limit (`FILE_LIMITS[use]` in
  settings overrides the default) and raises a ValidationError naming the file, what it was
  found to be, what is allowed and the limit.
- `private_storage` keeps files under `PRIVATE_MEDIA_ROOT`, outside MEDIA_ROOT and STATIC_ROOT;
  `serve_private_file(request, obj, field)` streams one to a user who reached `obj` through
  `restrict()` (the caller's job: this function reads nothing itself).
- `delete_file(fieldfile)` removes a stored file after the transaction commits (services call it
  when they delete the owner row); `orphan_files(...)` / `delete_orphans(...)` find and remove
  files no row names any more (a crash between commit and delete, rows removed in bulk).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_BYTES = 64


@dataclass(frozen=True)
class Kind:
    """A file kind: its name here, the content type it is served with, the extension it is
    stored under and the label users read."""

    name: str
    content_type: str
    extension: str
    label: Any  # a str, or a lazy translation for the descriptive ones


def _kind(name: str, content_type: str, extension: str, label: Any) -> Kind:
    return Kind(name, content_type, extension, label)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _kind("jpeg", "image/jpeg", "jpg", "JPEG"),
        _kind("png", "image/png", "png", "PNG"),
        _kind("gif", "image/gif", "gif", "GIF"),
        _kind("webp", "image/webp", "webp", "WebP"),
        _kind("pdf", "application/pdf", "pdf", "PDF"),
        _kind("mp3", "audio/mpeg", "mp3", "MP3"),
        _kind("wav", "audio/wav", "wav", "WAV"),
        _kind("m4a", "audio/mp4", "m4a", "M4A"),
        _kind("mp4", "video/mp4", "mp4", "MP4"),
        # Other ISO media (3GP from older phones, unknown brands): played by some browsers only.
        _kind("isomedia", "video/mp4", "mp4", gettext_lazy("MP4 (other)")),
        _kind("quicktime", "video/quicktime", "mov", "QuickTime"),
        _kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "DOCX",
        ),
        _kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "XLSX",
        ),
        _kind("zip", "application/zip", "zip", "ZIP"),
        _kind("ole", "application/x-ole-storage", "xls", gettext_lazy("old Office (XLS/DOC)")),
        _kind("exe", "application/x-msdownload", "exe", "EXE"),
        _kind("html", "text/html", "html", "HTML/XML"),
        _kind("text", "text/plain", "csv", "CSV/TXT"),
        _kind("binary", "application/octet-stream", "bin", gettext_lazy("unrecognised data")),
    )
}

# MP4 "major brands" a browser plays as MP4. QuickTime ("qt  ") is its own kind: tomb-sweeping
# proof refuses it because the requester's phone must play it in a browser.
MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso3",
        b"iso4",
        b"iso5",
        b"iso6",
        b"mp41",
        b"mp42",
        b"avc1",
        b"M4V ",
        b"dash",
        b"MSNV",
    }
)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"ID3", "mp3"),
    (OLE_MAGIC, "ole"),
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
)


def head_of(upload: Any, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file (bytes or a file object, left at position 0)."""
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload[:size])
    upload.seek(0)
    try:
        return upload.read(size)
    finally:
        upload.seek(0)


def _zip_kind(upload: Any) -> str:
    stream = io.BytesIO(upload) if isinstance(upload, bytes | bytearray) else upload
    try:
        if not isinstance(stream, io.BytesIO):
            stream.seek(0)
        names = zipfile.ZipFile(stream).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    finally:
        if not isinstance(upload, bytes | bytearray):
            upload.seek(0)
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def _is_text(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True  # a byte-order mark: UTF-16 ("Unicode text" from Excel) or UTF-8
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError as exc:
            # The sample may end inside a multi-byte character.
            if exc.start >= len(sample) - 4:
                return True
            continue
        return True
    return False


def _confirmed(kind: str, head: bytes) -> bool:
    """Short signatures a line of text could start with ("MZ…", "ID3…") need more evidence:
    an executable's header holds NUL bytes, an ID3 tag's next byte is its small version."""
    if kind == "exe":
        return b"\x00" in head
    if kind == "mp3":
        return len(head) > 3 and head[3] < 0x10
    return True


def sniff(upload: Any) -> Kind:
    """The kind of a file told by its content (bytes or a file object; never its name).

    Unknown bytes are `KINDS["binary"]`; text in UTF-8, UTF-16 with a BOM or GBK/GB18030 is
    `KINDS["text"]` (a CSV is text: whether it parses is the reader's business)."""
    head = head_of(upload)
    name = "binary"
    for magic, kind in _SIGNATURES:
        if head.startswith(magic) and _confirmed(kind, head):
            name = kind
            break
    else:
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            name = "webp"
        elif head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            name = "wav"
        elif head[4:8] == b"ftyp":
            brand = head[8:12]
            if brand.startswith(b"M4A"):
                name = "m4a"
            elif brand in MP4_BRANDS:
                name = "mp4"
            elif brand == b"qt  ":
                name = "quicktime"
            else:
                name = "isomedia"
        elif head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
            name = "mp3"
        elif head.startswith(ZIP_MAGIC):
            name = _zip_kind(upload)
        else:
            stripped = head.lstrip().lower()
            if stripped.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table", b"<svg")):
                name = "html"
            elif head and _is_text(head_of(upload, 8192)):
                name = "text"
    return KINDS[name]


# --- uses: what each accepts, and how large --------------------------------------------------


@dataclass(frozen=True)
class Use:
    """What one use of uploads accepts. `limits` maps a kind name (or "*") to its byte limit;
    the `FILE_LIMITS` setting may override them per use: {"hotline.proof": {"mp4": …}}.
    `type_message` and `size_messages` (by kind name or "*") may word the refusals for the
    use; they get the same placeholders as the defaults: name, found, allowed, limit, size."""

    name: str
    kinds: frozenset[str]
    limits: dict[str, int]
    type_message: Any = None
    size_messages: dict[str, Any] = field(default_factory=dict)

    def limit_for(self, kind: str) -> int:
        configured = getattr(settings, "FILE_LIMITS", {}).get(self.name, {})
        limits = {**self.limits, **configured}
        return int(limits.get(kind, limits["*"]))

    @property
    def allowed_label(self) -> str:
        labels = [str(KINDS[name].label) for name in KINDS if name in self.kinds]
        return ", ".join(dict.fromkeys(labels))


MB = 1024 * 1024
USES: dict[str, Use] = {}


def register_use(
    name: str,
    kinds: Iterable[str],
    limits: dict[str, int],
    *,
    type_message: Any = None,
    size_messages: dict[str, Any] | None = None,
) -> Use:
    """Declare a use (the app that owns it calls this at import time); `limits` needs "*"."""
    unknown = set(kinds) - set(KINDS)
    assert not unknown, f"unknown file kinds {unknown}"
    assert "*" in limits, "a use needs a default limit under '*'"
    use = Use(name, frozenset(kinds), dict(limits), type_message, dict(size_messages or {}))
    USES[name] = use
    return use


def size_label(size: int) -> str:
    """ "10 MB" for whole megabytes (what a limit is written as), else Django's file size."""
    if size >= MB and size % MB == 0:
        return f"{size // MB} MB"
    return str(filesizeformat(size))


def _name_of(upload: Any) -> str:
    return (getattr(upload, "name", "") or "?").rsplit("/", 1)[-1]


def _size_of(upload: Any) -> int:
    if isinstance(upload, bytes | bytearray | memoryview):
        return len(upload)
    return int(getattr(upload, "size", 0) or 0)


def _placeholders(upload: Any, kind: Kind, use: Use) -> dict[str, str]:
    return {
        "name": _name_of(upload),
        "found": str(kind.label),
        "allowed": use.allowed_label,
        "limit": size_label(use.limit_for(kind.name if kind.name in use.kinds else "*")),
        "size": size_label(_size_of(upload)),
    }


def refused_type(upload: Any, kind: Kind, use: Use) -> ValidationError:
    message = use.type_message or _(
        "The content of “%(name)s” is %(found)s (its name and stated type are not trusted); "
        "allowed here: %(allowed)s, up to %(limit)s each."
    )
    return ValidationError(str(message) % _placeholders(upload, kind, use), code="file_type")


def refused_size(upload: Any, kind: Kind, use: Use) -> ValidationError:
    message = (
        use.size_messages.get(kind.name)
        or use.size_messages.get("*")
        or _("“%(name)s” (%(found)s) is %(size)s; a %(found)s file may be at most %(limit)s here.")
    )
    return ValidationError(str(message) % _placeholders(upload, kind, use), code="file_size")


def check_upload(upload: Any, use: Use | str) -> Kind:
    """The kind of `upload` if `use` accepts it; else a ValidationError naming the file, what it
    is, what is allowed and the limit."""
    use = USES[use] if isinstance(use, str) else use
    if _size_of(upload) == 0:
        raise ValidationError(
            _("“%(name)s” is empty. Choose the file again.") % {"name": _name_of(upload)},
            code="file_empty",
        )
    kind = sniff(upload)
    if kind.name not in use.kinds:
        raise refused_type(upload, kind, use)
    if _size_of(upload) > use.limit_for(kind.name):
        raise refused_size(upload, kind, use)
    return kind


# --- private storage ---------------------------------------------------------------------------


@deconstructible(path="qiaolian.core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under `PRIVATE_MEDIA_ROOT`, read at every access (tests override it). It has no
    URL: a file leaves only through `serve_private_file` in a scoped view."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through a scoped view")


private_storage = PrivateStorage()


def serve_private_file(
    request: Any,
    obj: models.Model,
    field: str = "file",
    *,
    filename: str | None = None,
    content_type: str | None = None,
    inline: bool = False,
) -> FileResponse:
    """Stream `obj.<field>` to a user who got `obj` through `restrict()`: a download
    (`Content-Disposition: attachment`) unless `inline`, never sniffed by the browser as
    something else, never cached. A file missing on disk is a 404."""
    fieldfile = getattr(obj, field)
    if not fieldfile or not fieldfile.name:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    name = filename or getattr(obj, "name", "") or Path(fieldfile.name).name
    kind = content_type or getattr(obj, "content_type", "") or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=kind)
    if inline:
        response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- removal with the owner ------------------------------------------------------------------


def delete_file(fieldfile: Any) -> None:
    """Remove a stored file once the surrounding transaction commits (a rollback keeps it, with
    the row that names it). Services call this when they delete the owner row."""
    name = getattr(fieldfile, "name", "") or ""
    if not name:
        return
    storage = fieldfile.storage
    transaction.on_commit(lambda: storage.delete(name))


def private_file_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) whose FileField keeps its files in the private storage."""
    from django.apps import apps

    return [
        (model, each.name)
        for model in apps.get_models()
        for each in model._meta.get_fields()
        if isinstance(each, models.FileField) and isinstance(each.storage, PrivateStorage)
    ]


def _stored_names(root: Path) -> Iterator[tuple[str, float]]:
    for path in root.rglob("*"):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path.stat().st_mtime


def orphan_files(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Names under the private root that no row names, older than `older_than` (an upload in
    flight has its file before its row)."""
    root = Path(private_storage.location)
    if not root.is_dir():
        return []
    named: set[str] = set()
    for model, name in private_file_fields():
        # scoping: exempt, maintenance across every unit (no user is reading)
        rows = model._default_manager.exclude(**{name: ""}).values_list(name, flat=True)
        named.update(rows)
    cutoff = (timezone.now() - older_than).timestamp()
    stored = _stored_names(root)
    return sorted(name for name, mtime in stored if name not in named and mtime < cutoff)


def delete_orphans(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Remove the orphans (a periodic task runs this); returns the names removed."""
    names = orphan_files(older_than=older_than)
    for name in names:
        private_storage.delete(name)
    return names
