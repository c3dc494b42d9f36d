"""Checks an uploaded file must pass before any parser sees it: size, xlsx structure and zip-bomb limits."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .engine import ImportRefused

ZIP_MAGIC = b"PK\x03\x04"
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


def check_upload_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportRefused(
            _("The file is {size} MB; files up to {limit} MB can be imported.").format(
                size=round(size / 1024 / 1024, 1), limit=round(limit / 1024 / 1024, 1)
            )
        )
    if size == 0:
        raise ImportRefused(_("The file is empty."))


def check_xlsx(path: str | Path) -> None:
    """Refuse anything that is not a plain .xlsx, reading only the zip directory (never inflating members)."""
    path = Path(path)
    check_upload_size(path.stat().st_size)
    with path.open("rb") as fh:
        magic = fh.read(4)
    not_xlsx = _(
        "The file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (*.xlsx)” and try again."
    )
    if magic != ZIP_MAGIC:
        raise ImportRefused(not_xlsx)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused(not_xlsx) from None
    names = {m.filename for m in members}
    if any(name not in names for name in REQUIRED_MEMBERS):
        raise ImportRefused(not_xlsx)
    max_total = settings.IMPORT_MAX_UNZIPPED_BYTES
    max_ratio = settings.IMPORT_MAX_ZIP_RATIO
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        # Tiny members compress well without being dangerous; judge the ratio only past 1 MB.
        if member.file_size > 1024 * 1024 and ratio > max_ratio:
            raise ImportRefused(
                _(
                    "The file was refused: one of its parts expands {ratio} times when unpacked, "
                    "which is typical of a malicious file (the limit is {limit} times)."
                ).format(ratio=int(ratio), limit=max_ratio)
            )
    if total > max_total:
        raise ImportRefused(
            _(
                "The file was refused: unpacked it would take {size} MB, more than the {limit} MB allowed."
            ).format(size=round(total / 1024 / 1024), limit=round(max_total / 1024 / 1024))
        )
    _verify_declared_sizes(path, not_xlsx)


def _verify_declared_sizes(path: Path, not_xlsx: str) -> None:
    """Inflate each member once, never past its declared size, checking its CRC.

    The limits above trust the sizes in the zip directory, which a crafted file can understate; Python's
    zipfile stops at the declared size and fails the CRC check, so after this pass the sizes are known true.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                with archive.open(member) as fh:
                    while fh.read(1024 * 1024):
                        pass
    except Exception:  # BadZipFile, zlib.error, EOFError, NotImplementedError...: damaged or crafted
        raise ImportRefused(not_xlsx) from None


def unpacked_data_size(path: str | Path) -> int:
    """Unpacked bytes of the worksheets and shared strings: a cheap measure of how many rows a file holds."""
    with zipfile.ZipFile(path) as archive:
        return sum(
            m.file_size
            for m in archive.infolist()
            if m.filename.startswith("xl/worksheets/") or m.filename == "xl/sharedStrings.xml"
        )
