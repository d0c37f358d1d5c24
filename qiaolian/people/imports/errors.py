"""Limits of what an import accepts, and the refusal raised when a file breaks one."""

from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024  # the uploaded file
MAX_ROWS = 200_000  # data rows of the sheet
MAX_COLUMNS = 200
MAX_UNCOMPRESSED = 400 * 1024 * 1024  # all parts of an xlsx, decompressed
MAX_RATIO = 200  # uncompressed / compressed size of any xlsx part
MAX_ZIP_MEMBERS = 2_000
MAX_CELL = 2_000  # characters kept from one cell


class ImportRefused(Exception):
    """The file is refused as a whole; `message` says why and what to do, in the user's
    language (it is built with gettext where it is raised)."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
