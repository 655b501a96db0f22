"""Validators for Chinese identifiers, each a plain function usable by models, forms,
serializers and importers alike.

Each normaliser returns the canonical form (upper case, no spaces) or raises
ValidationError with a message in the user's language.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Unified social credit code, GB 32100-2015 -------------------------------------------
# 31 symbols: digits and capitals without I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def uscc_check_character(first17):
    """The 18th character of a USCC whose first 17 characters are given."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value):
    code = (value or "").strip().upper().replace(" ", "")
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(code)},
        )
    if not _USCC_RE.match(code):
        raise ValidationError(
            _("A unified social credit code uses only digits and capital letters other than I, O, Z, S and V."),
            code="uscc_characters",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check the code."),
            code="uscc_check",
        )
    return code


def validate_uscc(value):
    normalize_uscc(value)


# --- Resident identity card number, GB 11643-1999 -----------------------------------------
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_character(first17):
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def id_number_birth_date(code):
    """Birth date encoded in positions 7–14 of a valid 18-digit ID number."""
    return datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))


def normalize_id_number(value):
    code = (value or "").strip().upper().replace(" ", "")
    if not _ID_RE.match(code):
        raise ValidationError(
            _("A resident ID number has 17 digits followed by a digit or X."), code="id_format"
        )
    try:
        born = id_number_birth_date(code)
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID number is not a real date."), code="id_birth_date"
        ) from None
    if born > datetime.date.today() or born.year < 1900:
        raise ValidationError(
            _("The birth date inside this ID number is out of range."), code="id_birth_date"
        )
    if id_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this ID number is wrong; please check the number."),
            code="id_check",
        )
    return code


def validate_id_number(value):
    normalize_id_number(value)


def mask_id_number(code):
    """Keep the region prefix and the check character: 320102********123X."""
    if not code:
        return ""
    return code[:6] + "*" * 8 + code[14:]


# --- Mobile numbers (mainland) ------------------------------------------------------------
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value):
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE_RE.match(digits):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 13–19 (+86 may precede it)."),
            code="mobile",
        )
    return digits


def validate_mobile(value):
    normalize_mobile(value)


def mask_mobile(mobile):
    return mobile[:3] + "****" + mobile[7:] if mobile and len(mobile) == 11 else mobile


# --- Administrative division code, GB/T 2260 ----------------------------------------------
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)


def validate_division_code(value):
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError(
            _("An administrative division code has exactly 6 digits."), code="division_format"
        )
    if value[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("%(code)s does not start with a province code."),
            code="division_province",
            params={"code": value},
        )


# --- Industry classification, GB/T 4754-2017 ----------------------------------------------
# Sections and the division numbers (first two digits) they cover.
INDUSTRY_SECTIONS = {
    "A": (1, 5, _("Agriculture, forestry, animal husbandry and fishery")),
    "B": (6, 12, _("Mining")),
    "C": (13, 43, _("Manufacturing")),
    "D": (44, 46, _("Electricity, heat, gas and water supply")),
    "E": (47, 50, _("Construction")),
    "F": (51, 52, _("Wholesale and retail")),
    "G": (53, 60, _("Transport, storage and post")),
    "H": (61, 62, _("Accommodation and catering")),
    "I": (63, 65, _("Information transmission, software and IT services")),
    "J": (66, 69, _("Finance")),
    "K": (70, 70, _("Real estate")),
    "L": (71, 72, _("Leasing and business services")),
    "M": (73, 75, _("Scientific research and technical services")),
    "N": (76, 79, _("Water, environment and public facilities management")),
    "O": (80, 82, _("Resident, repair and other services")),
    "P": (83, 83, _("Education")),
    "Q": (84, 85, _("Health and social work")),
    "R": (86, 90, _("Culture, sports and entertainment")),
    "S": (91, 96, _("Public administration, social security and social organisations")),
    "T": (97, 97, _("International organisations")),
}


def industry_section(division):
    for letter, (low, high, _label) in INDUSTRY_SECTIONS.items():
        if low <= division <= high:
            return letter
    return None


def normalize_industry_code(value):
    """'3831', 'c3831' and 'C3831' all become 'C3831'; a bare section letter stays as is."""
    code = (value or "").strip().upper()
    match = re.fullmatch(r"([A-T])?(\d{2,4})?", code)
    if not code or not match or not (match.group(1) or match.group(2)):
        raise ValidationError(
            _("Use a GB/T 4754 industry code: a section letter and/or 2 to 4 digits, e.g. C3831."),
            code="industry_format",
        )
    letter, digits = match.groups()
    if digits is None:
        return letter
    section = industry_section(int(digits[:2]))
    if section is None:
        raise ValidationError(
            _("%(code)s is not a GB/T 4754 industry division."),
            code="industry_division",
            params={"code": digits[:2]},
        )
    if letter and letter != section:
        raise ValidationError(
            _("Industry division %(division)s belongs to section %(section)s, not %(letter)s."),
            code="industry_section",
            params={"division": digits[:2], "section": section, "letter": letter},
        )
    return section + digits


def validate_industry_code(value):
    normalize_industry_code(value)
