"""Validators for Chinese identifiers."""

import re

from django.utils.translation import gettext as _

from .errors import ApplicationError

FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ　",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ",
)


def normalize_text(value) -> str:
    """Full-width letters and digits to half-width, stray and repeated spaces removed."""
    if value is None:
        return ""
    text = str(value).translate(FULL_WIDTH).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


# GB 32100-2015 unified social credit code.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the normalised code or raise ApplicationError naming the problem."""
    code = normalize_text(value).upper().replace(" ", "")
    if len(code) != 18:
        raise ApplicationError(
            _("The unified social credit code must have 18 characters; {n} were given.").format(n=len(code)),
            field="credit_code",
        )
    if not CREDIT_RE.match(code):
        raise ApplicationError(
            _("The unified social credit code contains characters that are not allowed (I, O, Z, S, V)."),
            field="credit_code",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ApplicationError(
            _("The unified social credit code fails its checksum; please check each character."),
            field="credit_code",
        )
    return code


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def validate_phone(value: str) -> str:
    phone = normalize_text(value).replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        raise ApplicationError(
            _("Enter a mobile number (11 digits) or a landline such as 0991-1234567."), field="contact_phone"
        )
    return phone
