"""Reading one spreadsheet cell's text the way people type it in China: dates as
2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日 or 20240105; amounts with thousands
separators or a trailing 元; yes/no as 是/否. Each parser returns None for an empty cell
and raises ValidationError, in the user's language, for text it cannot read."""
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# 匿名 ("anonymous") answers the donations import's 是否匿名 column.
YES_WORDS = frozenset({"是", "匿名", "y", "yes", "true", "1", "√", "✓"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "✗"})


def parse_date(text):
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{8}", text):
        text = "{}-{}-{}".format(text[:4], text[4:6], text[6:])
    # The reader turns spreadsheet dates into "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS".
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    match = _DATE_RE.match(text)
    try:
        if match is None:
            raise ValueError
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(_("“{}” is not a date; write it as 2024-01-31.").format(text)) from None


def parse_decimal(text, *, places=2):
    text = (text or "").strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    text = text.removesuffix("元").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("“{}” is not a number.").format(text)) from None
    if not value.is_finite():
        raise ValidationError(_("“{}” is not a number.").format(text))
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(_("“{}” has more than {} decimal places.").format(text, places))
    return value


def parse_int(text):
    value = parse_decimal(text, places=0)
    return None if value is None else int(value)


def parse_yes_no(text):
    text = (text or "").strip().lower()
    if not text:
        return None
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise ValidationError(_("Write 是 or 否."))

