"""The reminders core in-process: a scan inserts each reminder once, in the recipient's
language, due at the chamber's send time; a delivery is claimed once, retried with backoff,
failed after a bounded number of tries, and reclaimed when its worker died."""
import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_scopes import scope, scopes_disabled

from chamber.models import UserPreference
from chamber.reminders import rules as rules_module
from chamber.reminders.models import Delivery, DeliveryStatus, ReminderPreference, ReminderSettings
from chamber.reminders.rules import Due
from chamber.reminders.services import MAX_ATTEMPTS, deliveries_due, delivery_send, reminders_scan

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def test_rule(monkeypatch, admin_user, secretary):
    """Registers a rule (under an existing rule's name) that reminds alice and sally today."""
    calls = []

    def rule(chamber, today, days):
        calls.append(days)
        for user in (admin_user, secretary):
            yield Due(subject_type="members.term", subject_id=8, recipient_id=user.pk, occasion=f"{today}/60",
                      title=gettext_lazy("Dues {year}"), params={"year": 2026},
                      link="/c/sz-optical/members/officers/")

    monkeypatch.setattr(rules_module, "_RULES", {"term_end": rule})
    monkeypatch.setattr(rules_module, "RULE_MODULES", ())
    return calls


def test_a_scan_inserts_each_reminder_once(chamber, test_rule, admin_user):
    with scope(chamber=chamber):
        assert reminders_scan(chamber=chamber, today=TODAY) == 2
        assert reminders_scan(chamber=chamber, today=TODAY) == 0  # a rerun, a second beat
        rows = list(Delivery.objects.filter(chamber=chamber))
    assert len(rows) == 2
    # Due at 09:00 Asia/Shanghai on the day, unless the chamber says otherwise.
    assert {timezone.localtime(r.due_at).time() for r in rows} == {datetime.time(9, 0)}
    assert test_rule == [[180, 60], [180, 60]]


def test_messages_are_in_the_recipients_language(chamber, test_rule, admin_user, secretary):
    UserPreference.objects.create(user=admin_user, language="en")
    with scope(chamber=chamber):
        reminders_scan(chamber=chamber, today=TODAY)
        titles = dict(Delivery.objects.filter(chamber=chamber).values_list("recipient__username", "title"))
    assert titles == {"alice": "Dues 2026", "sally": "2026年度会费"}


def test_a_chamber_chooses_lead_days_send_time_and_rules(chamber, test_rule):
    with scope(chamber=chamber):
        ReminderSettings.objects.create(chamber=chamber, lead_days={"term_end": [90]}, send_time=datetime.time(8, 30))
        reminders_scan(chamber=chamber, today=TODAY)
        assert {timezone.localtime(d.due_at).time() for d in Delivery.objects.filter(chamber=chamber)} == {
            datetime.time(8, 30)}
        ReminderSettings.objects.filter(chamber=chamber).update(disabled_rules=["term_end"])
        Delivery.objects.filter(chamber=chamber).delete()
        assert reminders_scan(chamber=chamber, today=TODAY) == 0
    assert test_rule == [[90]]


def _delivery(chamber, user, **fields):
    with scope(chamber=chamber):
        return Delivery.objects.create(
            chamber=chamber, rule="term_end", subject_type="members.term", subject_id="8", occasion="x/60",
            recipient=user, language="zh-hans", title="第八届理事会60天后届满", body="请准备换届。", link="/c/x/",
            due_at=timezone.now() - datetime.timedelta(minutes=1), **fields)


def test_a_delivery_is_sent_once_and_marked(chamber, admin_user):
    admin_user.email = "alice@example.cn"
    admin_user.save()
    delivery = _delivery(chamber, admin_user)
    with scopes_disabled():
        assert deliveries_due() == [delivery.pk]
        assert delivery_send(delivery.pk) is True
        assert delivery_send(delivery.pk) is False  # a redelivered task: nothing to claim
        delivery.refresh_from_db()
    assert (delivery.status, delivery.emailed, delivery.attempts) == ("sent", True, 1)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.cn"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<reminder.")


def test_email_is_skipped_when_the_user_does_not_want_it(chamber, admin_user):
    admin_user.email = "alice@example.cn"
    admin_user.save()
    ReminderPreference.objects.create(user=admin_user, rule="term_end", by_email=False)
    delivery = _delivery(chamber, admin_user)
    with scopes_disabled():
        assert delivery_send(delivery.pk) is True
        delivery.refresh_from_db()
    assert (delivery.status, delivery.emailed, len(mail.outbox)) == ("sent", False, 0)


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


@override_settings(EMAIL_BACKEND="tests.reminders.test_delivery.BrokenBackend")
def test_a_failed_send_backs_off_and_fails_after_the_last_try(chamber, admin_user):
    admin_user.email = "alice@example.cn"
    admin_user.save()
    delivery = _delivery(chamber, admin_user)
    now = timezone.now()
    with scopes_disabled():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert delivery_send(delivery.pk, now=now) is False
            delivery.refresh_from_db()
            assert delivery.attempts == attempt and "SMTP server down" in delivery.last_error
            if attempt < MAX_ATTEMPTS:
                assert delivery.status == "pending"
                assert delivery.next_attempt_at == now + datetime.timedelta(minutes=2 ** attempt)
                assert deliveries_due(now=now) == []  # not before its backoff
                now = delivery.next_attempt_at
        assert delivery.status == DeliveryStatus.FAILED
        assert deliveries_due(now=now + datetime.timedelta(days=1)) == []


@override_settings(REMINDER_STALE_CLAIM_SECONDS=600)
def test_a_claim_left_by_a_dead_worker_is_taken_again(chamber, admin_user):
    delivery = _delivery(chamber, admin_user, status="sending",
                         claimed_at=timezone.now() - datetime.timedelta(minutes=5))
    with scopes_disabled():
        assert deliveries_due() == []  # five minutes: maybe still working
        assert deliveries_due(now=timezone.now() + datetime.timedelta(minutes=6)) == [delivery.pk]
        assert delivery_send(delivery.pk) is True
