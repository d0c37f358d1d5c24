"""What an uploaded file must pass before any parser sees it.

Refused, with a message saying why and what to do: files over the size limit; a type other than
the extension says (a zip renamed .xls, an old .xls or a password-protected workbook renamed
.xlsx, a workbook renamed .csv); macro-enabled workbooks (.xlsm, a vbaProject.bin part, XLM
macro sheets, a VBA storage in an .xls); zip bombs (declared and actual decompressed sizes and
ratios are checked: every part is decompressed once here, through Python's zipfile, which
stops at the declared size and checks the CRC, so a part cannot lie about its size to the
parser that reads it next); XML parts carrying a DOCTYPE or ENTITY declaration (entity
expansion, external entities) or written in an encoding other than UTF-8 where such a
declaration could hide.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from qiaolian.core import files as filekit
from qiaolian.people.imports.errors import (
    MAX_BYTES,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    MAX_ZIP_MEMBERS,
    ImportRefused,
)

# What an import accepts, by content; the name's extension must agree (see `inspect_file`).
IMPORTS = filekit.register_use("people.import", ("xlsx", "ole", "text"), {"*": MAX_BYTES})
ACCEPTED = {".xlsx": "xlsx", ".xls": "xls", ".csv": "csv"}
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlam", ".xlsb", ".xla", ".xlt"}
_CHUNK = 1024 * 1024
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
_OVERLAP = max(len(marker) for marker in _FORBIDDEN_XML)


def inspect_file(name: str, data: bytes) -> str:
    """The kind of the file ("xlsx", "xls" or "csv"), or ImportRefused."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix in MACRO_EXTENSIONS:
        raise ImportRefused(
            _(
                "“%(name)s” is a macro-enabled or binary workbook, which is not accepted. "
                "Open it in Excel or WPS and save it as an .xlsx workbook."
            )
            % {"name": name},
            code="macros",
        )
    kind = ACCEPTED.get(suffix)
    if kind is None:
        raise ImportRefused(
            _("Only .xlsx, .xls and .csv files can be imported; “%(name)s” is none of them.")
            % {"name": name},
            code="extension",
        )
    if not data:
        raise ImportRefused(_("The file is empty."), code="empty")
    limit = IMPORTS.limit_for("*")
    if len(data) > limit:
        raise ImportRefused(
            _("The file is %(size)s; files up to %(limit)s can be imported. Split it in parts.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)},
            code="size",
        )
    found = filekit.sniff(data).name
    if kind == "xlsx":
        _check_xlsx(data, found)
    elif kind == "xls":
        _check_xls(data, found)
    else:
        _check_csv(data, found)
    return kind


def _wrong_type(expected: str, found: str) -> ImportRefused:
    return ImportRefused(
        _(
            "The file's name says %(expected)s but its content is %(found)s. Open it in Excel "
            "or WPS and save it again as .xlsx (or as CSV)."
        )
        % {"expected": expected, "found": found},
        code="wrong_type",
    )


def _describe(found: str) -> str:
    """What the content is, from `core.files.sniff`'s kind name."""
    if found in ("xlsx", "docx", "zip"):
        return _("a zip archive (such as an .xlsx workbook)")
    if found == "ole":
        return _("an old Excel (.xls) or password-protected workbook")
    if found == "pdf":
        return _("a PDF document")
    if found == "html":
        return _("a web page or XML file")
    return _("something else")


def _check_xlsx(data: bytes, found: str) -> None:
    if found not in ("xlsx", "docx", "zip"):
        raise _wrong_type(".xlsx", _describe(found))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused(
            _("The workbook is damaged and cannot be opened. Save it again in Excel or WPS."),
            code="damaged",
        ) from exc
    names = {member.filename for member in members}
    if len(members) > MAX_ZIP_MEMBERS:
        raise _bomb()
    if "[Content_Types].xml" not in names:
        raise _wrong_type(".xlsx", _("a zip archive that is not a workbook"))
    lower = {name.lower() for name in names}
    if any(name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/") for name in lower):
        raise _macros()
    if "EncryptedPackage" in names:
        raise _password()
    declared = sum(member.file_size for member in members)
    if declared > MAX_UNCOMPRESSED:
        raise _bomb()
    for member in members:
        if member.flag_bits & 0x1:
            raise _password()
        if member.file_size > 10 * _CHUNK and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _bomb()
    content_types = _read_member(archive, "[Content_Types].xml", budget=[MAX_UNCOMPRESSED])
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise _macros()
    budget = [MAX_UNCOMPRESSED]
    for member in members:
        if member.is_dir():
            continue
        _scan_member(archive, member, budget)


def _read_member(archive: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    member = archive.getinfo(name)
    return _scan_member(archive, member, budget, keep=True)


def _scan_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: list[int], keep: bool = False
) -> bytes:
    """Decompress one part within the budget; XML parts are searched for DTD declarations."""
    is_xml = member.filename.lower().endswith((".xml", ".rels", ".vml"))
    kept = []
    tail = b""
    first = True
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise _bomb()
                if is_xml:
                    if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        raise _xml_trick()
                    first = False
                    window = tail + chunk
                    if any(marker in window for marker in _FORBIDDEN_XML):
                        raise _xml_trick()
                    tail = window[-_OVERLAP:]
                if keep:
                    kept.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        # A CRC or size mismatch (a part lying about its size), or an unknown compression.
        raise ImportRefused(
            _("The workbook is damaged and cannot be opened. Save it again in Excel or WPS."),
            code="damaged",
        ) from exc
    except RuntimeError as exc:  # an encrypted member
        raise _password() from exc
    return b"".join(kept)


def _check_xls(data: bytes, found: str) -> None:
    if found != "ole":
        raise _wrong_type(".xls", _describe(found))
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _password()
    # Every VBA project has a `_VBA_PROJECT` stream; directory names are UTF-16LE.
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise _macros()


def _check_csv(data: bytes, found: str) -> None:
    if found in ("xlsx", "docx", "zip", "ole", "pdf"):
        raise _wrong_type(".csv", _describe(found))
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text ("Unicode text" from Excel): NUL bytes are expected here
    if b"\x00" in head:
        raise _wrong_type(".csv", _("a binary file"))


def _macros() -> ImportRefused:
    return ImportRefused(
        _(
            "The workbook contains macros, which are not accepted. Save it as an .xlsx "
            "workbook (Excel drops the macros) and upload that."
        ),
        code="macros",
    )


def _password() -> ImportRefused:
    return ImportRefused(
        _("The workbook is password-protected. Remove the password in Excel or WPS and save it."),
        code="password",
    )


def _bomb() -> ImportRefused:
    return ImportRefused(
        _(
            "The workbook expands to far more data than a sheet of people needs (a “zip bomb”); "
            "it was not opened. Save the sheet again in Excel or WPS, or split it in parts."
        ),
        code="zip_bomb",
    )


def _xml_trick() -> ImportRefused:
    return ImportRefused(
        _(
            "The workbook contains XML declarations (DOCTYPE or ENTITY) that Excel never "
            "writes; it was not opened. Save the sheet again in Excel or WPS."
        ),
        code="xml_entities",
    )
