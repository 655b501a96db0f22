"""Fixtures of the inbox and staff-page tests: a signed-in client, a user in both chambers,
and a helper that writes Delivery rows directly (the scan and the send are tested elsewhere)."""
import datetime
import itertools

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.models import RoleKind
from chamber.reminders.models import Delivery, DeliveryStatus, ReminderRule
from chamber.services import role_grant

__all__ = ["login_as", "both_chambers_user", "make_delivery"]

_numbers = itertools.count(1)
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def login_as():
    """`login_as(user)` -> a Client signed in as `user` (no password round trip)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def both_chambers_user(make_user, chamber, other_chamber):
    """Wendy: secretariat in `chamber` and chamber admin in `other_chamber`."""
    user = make_user("wendy", email="wendy@example.com")
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=RoleKind.SECRETARIAT, actor=None)
    with scope(chamber=other_chamber):
        role_grant(chamber=other_chamber, user=user, kind=RoleKind.CHAMBER_ADMIN, actor=None)
    return user


@pytest.fixture
def make_delivery():
    """`make_delivery(chamber, recipient, title=..., status="sent", ...)` -> a Delivery row.

    Sent rows are `sent_at` minutes before now by their order of creation (`minutes_ago`
    overrides), so the newest made is the newest sent.
    """

    def make(chamber, recipient, *, title=None, status=DeliveryStatus.SENT, rule=ReminderRule.TERM_END,
             minutes_ago=None, **fields):
        number = next(_numbers)
        minutes = 100_000 - number if minutes_ago is None else minutes_ago
        sent_at = NOW - datetime.timedelta(minutes=minutes) if status == DeliveryStatus.SENT else None
        defaults = dict(
            chamber=chamber, rule=rule, subject_type="members.term", subject_id=str(number),
            occasion="2026-12-31/60", recipient=recipient, language="zh-hans",
            title=title or "提醒 {}".format(number), body="正文", link="/c/{}/members/officers/".format(chamber.slug),
            due_at=NOW - datetime.timedelta(days=1), status=status, sent_at=sent_at,
        )
        defaults.update(fields)
        with scopes_disabled():
            return Delivery.objects.create(**defaults)

    return make
