"""Helpers shared by the tomb-sweeping, answers and surveys tests (not a test module)."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qiaolian.hotline.models import Status, Survey
from qiaolian.hotline.services import surveys
from qiaolian.hotline.tests.factories import CaseFactory


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A valid PNG of one colour, written by hand (Pillow is not a dependency)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def survey_for(case=None, *, token: str = "tok-" + "x" * 40, days: int = 14, **kwargs) -> Survey:
    """A survey with a known token (tests need the raw token, which is never stored)."""
    now = timezone.now()
    return Survey.objects.create(
        case=case or CaseFactory(status=Status.RESOLVED),
        token_hash=surveys.hash_token(token),
        sent_at=kwargs.pop("sent_at", now),
        expires_at=kwargs.pop("expires_at", now + timedelta(days=days)),
        **kwargs,
    )
