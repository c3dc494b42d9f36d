"""Masking of personal data for lists and exports."""


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1) if len(value) <= 3 else value[0] + "**" + value[-1]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    value = value.strip()
    if len(value) >= 7:
        return value[:3] + "****" + value[-4:]
    return "*" * len(value)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    value = value.strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


MASKERS = {"name": mask_name, "phone": mask_phone, "id_number": mask_id_number}
