"""Builders of activities, publicity and campaigns for tests (bypassing services, like the orgs factories)."""

import datetime

from shiliu.activities.models import Activity, ActivityType, Campaign, PublicityItem
from shiliu.activities.services import activity_types_ensure_defaults


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG made with the standard library only."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xcc\x33\x33" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def activity_type(code: str = "festival") -> ActivityType:
    activity_types_ensure_defaults()
    return ActivityType.objects.get(code=code)


def make_activity(
    *,
    unit=None,
    area=None,
    title=None,
    type_code="festival",
    start=datetime.date(2026, 3, 1),
    end=None,
    **extra,
) -> Activity:
    area = unit.area if unit is not None else area
    return Activity.objects.create(
        title=title or f"活动{Activity.objects.count() + 1}",
        activity_type=activity_type(type_code),
        area=area,
        area_path=area.path,
        unit=unit,
        entry_type=unit.unit_type if unit is not None else None,
        start_date=start,
        end_date=end or start,
        **extra,
    )


def make_publicity(
    *, unit=None, area=None, title=None, kind="banner", start=datetime.date(2026, 3, 1), **extra
):
    area = unit.area if unit is not None else area
    return PublicityItem.objects.create(
        title=title or f"宣传{PublicityItem.objects.count() + 1}",
        kind=kind,
        area=area,
        area_path=area.path,
        unit=unit,
        start_date=start,
        end_date=extra.pop("end", start),
        **extra,
    )


def make_campaign(name="民族团结进步宣传月", start=datetime.date(2026, 9, 1), end=datetime.date(2026, 9, 30)):
    return Campaign.objects.create(name=name, start_date=start, end_date=end)
