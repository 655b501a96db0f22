"""Validators for Chinese identifiers, checked against published codes and an independent
implementation of each check algorithm (written here from the standards, not imported)."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from chamber.validators import (
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_industry_code,
    normalize_mobile,
    normalize_uscc,
    validate_division_code,
)

# --- Independent check algorithms ----------------------------------------------------------
# GB 32100-2015: 31 symbols, weight of position i (0-based) is 3**i mod 31,
# check = 31 - (sum mod 31), where 31 counts as 0.
USCC_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_check(first17):
    total = sum(USCC_SYMBOLS.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return USCC_SYMBOLS[-total % 31]


# GB 11643-1999 (ISO 7064 MOD 11-2): weight of position i (0-based) is 2**(17-i) mod 11,
# check value = (12 - sum mod 11) mod 11, with 10 written as X.
def id_check(first17):
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "0123456789X"[(12 - total % 11) % 11]


def test_independent_algorithms_agree_with_the_standards_worked_examples():
    # The worked examples printed with each standard.
    assert uscc_check("91350100M000100Y4") == "3"
    assert id_check("11010519491231002") == "X"


# --- USCC ----------------------------------------------------------------------------------

REAL_USCCS = [
    "91350100M000100Y43",  # the sample printed with GB 32100-2015 and cited everywhere
    "91110108551385082Q",  # 小米科技有限责任公司 (published business licence)
    "914403001922038216",  # 华为技术有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",  # 百度在线网络技术（北京）有限公司
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_uscc_is_accepted(code):
    assert uscc_check(code[:17]) == code[17], "test data: not valid by the algorithm"
    assert normalize_uscc(code) == code


@pytest.mark.parametrize("code", REAL_USCCS)
def test_every_other_check_character_is_refused(code):
    wrong = [ch for ch in USCC_SYMBOLS if ch != code[17]]
    assert len(wrong) == 30
    for ch in wrong:
        with pytest.raises(ValidationError) as exc:
            normalize_uscc(code[:17] + ch)
        assert exc.value.code == "uscc_check", ch


def test_uscc_lowercase_is_accepted_and_normalised():
    assert normalize_uscc("91350100m000100y43") == "91350100M000100Y43"


def test_uscc_spaces_are_stripped():
    assert normalize_uscc("  9135 0100 M000 100Y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_letters_outside_the_alphabet_are_refused(letter):
    # Put the letter in the organisation code part of an otherwise valid layout.
    code = "91350100" + letter + "000100Y4" + "3"
    with pytest.raises(ValidationError) as exc:
        normalize_uscc(code)
    assert exc.value.code == "uscc_characters"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_refuses_those_letters_as_check_character_too(letter):
    with pytest.raises(ValidationError):
        normalize_uscc("91350100M000100Y4" + letter)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "", None])
def test_uscc_wrong_length_is_refused(code):
    with pytest.raises(ValidationError) as exc:
        normalize_uscc(code)
    assert exc.value.code == "uscc_length"


# --- Resident ID number --------------------------------------------------------------------

VALID_IDS = [
    "11010519491231002X",  # the GB 11643-1999 sample, ends in X
    "320505198001011239",
    "440308199901101512",
    "310115198511292148",
    "510107197202290010",  # born 29 Feb 1972, a leap day
]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_are_accepted(number):
    assert id_check(number[:17]) == number[17], "test data: not valid by the algorithm"
    assert normalize_id_number(number) == number


def test_id_lowercase_x_is_normalised():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_id_wrong_check_character_is_refused():
    for ch in "0123456789X":
        if ch == "X":
            continue
        with pytest.raises(ValidationError) as exc:
            normalize_id_number("11010519491231002" + ch)
        assert exc.value.code == "id_check"


def _with_check(first17):
    return first17 + id_check(first17)


def test_id_impossible_birth_date_is_refused():
    for body in ("32050519990230123", "32050519730229123", "32050519801301123", "32050519800100123"):
        with pytest.raises(ValidationError) as exc:
            normalize_id_number(_with_check(body))  # right check char: only the date is wrong
        assert exc.value.code == "id_birth_date", body


def test_id_future_birth_date_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    number = _with_check(f"320505{tomorrow:%Y%m%d}123")
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(number)
    assert exc.value.code == "id_birth_date"


def test_id_birth_date_today_is_accepted():
    today = datetime.date.today()
    number = _with_check(f"320505{today:%Y%m%d}123")
    assert normalize_id_number(number) == number


@pytest.mark.parametrize("number", ["110105491231002", "11010519491231002", "11010519491231002XX", "1101051949123100AX"])
def test_id_old_15_digit_and_malformed_numbers_are_refused(number):
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(number)
    assert exc.value.code == "id_format"


# --- Mobile --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "0086-13812345678", "+86-138-1234-5678", " 138 1234 5678 "])
def test_mobile_accepted_and_normalised(raw):
    assert normalize_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "23812345678", "+8612812345678", "", "138-1234-567a"])
def test_mobile_refused(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_mobile(raw)
    assert exc.value.code == "mobile"


# --- Administrative division code ----------------------------------------------------------

@pytest.mark.parametrize("code", ["320505", "110105", "820000"])
def test_division_code_accepted(code):
    validate_division_code(code)


@pytest.mark.parametrize("code,error", [
    ("990000", "division_province"),
    ("000000", "division_province"),
    ("32050", "division_format"),
    ("3205050", "division_format"),
    ("32050a", "division_format"),
    ("", "division_format"),
])
def test_division_code_refused(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_division_code(code)
    assert exc.value.code == error


# --- Industry code (GB/T 4754-2017) --------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("3831", "C3831"),
    ("c38", "C38"),
    ("C3831", "C3831"),
    ("A01", "A01"),
    ("01", "A01"),
    ("C", "C"),
    ("k70", "K70"),
    ("97", "T97"),
    (" 651 ", "I651"),
])
def test_industry_code_normalised(raw, expected):
    assert normalize_industry_code(raw) == expected


@pytest.mark.parametrize("raw,error", [
    ("B38", "industry_section"),   # 38 is manufacturing (C)
    ("A06", "industry_section"),   # 06 is mining (B)
    ("98", "industry_division"),
    ("00", "industry_division"),
    ("U", "industry_format"),
    ("C3", "industry_format"),
    ("C38311", "industry_format"),
    ("", "industry_format"),
])
def test_industry_code_refused(raw, error):
    with pytest.raises(ValidationError) as exc:
        normalize_industry_code(raw)
    assert exc.value.code == error


# --- Masks ---------------------------------------------------------------------------------

def test_mask_id_number_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""


def test_mask_mobile():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""
    assert mask_mobile("12345") == "12345"
