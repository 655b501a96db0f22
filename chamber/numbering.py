"""Gapless numbers per chamber, series and year: dues invoices, payment and donation receipts.

Finance offices number invoices and receipts without gaps, so a missing number means a
missing record. A number is taken under a row lock on the series' counter inside the
caller's transaction: two concurrent requests queue on the lock and get consecutive
numbers, and a request that rolls back gives its number back with everything else.
(A PostgreSQL sequence would be faster but leaves gaps on rollback.)
"""
from django.db import transaction

from .models import NumberSeries

# Series names and the prefix printed before "-<year>-<number>".
SERIES_PREFIXES = {
    "dues_invoice": "HF",  # 会费
    "dues_receipt": "SJ",  # 收据
    "donation_receipt": "JZ",  # 捐赠
    "certificate": "ZS",  # 证书
}


def number_next(*, chamber, series, year):
    """The next number of `series` in `year` for `chamber`; call inside the saving transaction."""
    if series not in SERIES_PREFIXES:
        raise ValueError(f"unknown number series {series!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next() must run inside the transaction that saves the numbered record")
    # Create the counter if it is missing without failing when a concurrent request
    # creates it first (INSERT … ON CONFLICT DO NOTHING), then lock it.
    NumberSeries.objects.bulk_create(
        [NumberSeries(chamber=chamber, series=series, year=year, last=0)], ignore_conflicts=True
    )
    counter = NumberSeries.objects.select_for_update().get(chamber=chamber, series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def number_format(series, year, number):
    """The printed form, e.g. HF-2026-00042."""
    return "{prefix}-{year}-{number:05d}".format(prefix=SERIES_PREFIXES[series], year=year, number=number)


def number_take(*, chamber, series, year):
    """The next number of the series, printed (see number_format)."""
    return number_format(series, year, number_next(chamber=chamber, series=series, year=year))


def number_reserve(*, chamber, series, year, count):
    """Take `count` consecutive numbers at once (for a batch such as a year's invoices); returns the first.

    The series stays locked until the caller's transaction ends, so a concurrent batch of
    the same series waits and then sees what this one saved.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    first = number_next(chamber=chamber, series=series, year=year)
    if count > 1:
        NumberSeries.objects.filter(chamber=chamber, series=series, year=year).update(last=first + count - 1)
    return first


def number_lock(*, chamber, series, year):
    """Lock the series for the rest of the transaction without taking a number (a batch that may create nothing)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_lock() must run inside a transaction")
    NumberSeries.objects.bulk_create(
        [NumberSeries(chamber=chamber, series=series, year=year, last=0)], ignore_conflicts=True
    )
    return NumberSeries.objects.select_for_update().get(chamber=chamber, series=series, year=year).last
