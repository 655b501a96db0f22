"""An amount in Chinese capital numerals (大写金额), as receipts and invoices print it.

Finance offices write 壹贰叁 instead of 一二三 so that a figure cannot be altered with one
stroke; a receipt without the capital amount is not accepted by many bookkeepers.
"""
import decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


def _four(group):
    """0–9999 in capitals, with inner zeros as 零 and no trailing zeros."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10 ** position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def amount_in_words(amount):
    """decimal 1234.50 → '壹仟贰佰叁拾肆元伍角整'; 0 → '零元整'; negative amounts get 负."""
    amount = decimal.Decimal(amount).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
    sign = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    yuan, fen = divmod(fen_total, 100)
    jiao, fen = divmod(fen, 10)
    words = ""
    if yuan:
        groups = []
        while yuan:
            yuan, group = divmod(yuan, 10000)
            groups.append(group)
        pending_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                pending_zero = bool(words)
                continue
            if words and (pending_zero or group < 1000):
                words += "零"
            words += _four(group) + BIG_UNITS[index]
            pending_zero = False
        words += "元"
    if not jiao and not fen:
        return sign + (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return sign + words
