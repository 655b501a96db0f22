"""The scan (what is due today becomes Delivery rows, once) and the send (claim, send, mark)."""
import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from ..models import UserPreference
from .models import Delivery, DeliveryStatus, ReminderPreference, ReminderSettings
from .rules import registered_rules

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def reminder_settings_for(chamber):
    """The chamber's settings (unsaved defaults when it has none)."""
    return ReminderSettings.objects.filter(chamber=chamber).first() or ReminderSettings(chamber=chamber)


def _languages(user_ids):
    chosen = dict(UserPreference.objects.filter(user_id__in=user_ids).exclude(language="")
                  .values_list("user_id", "language"))
    return {uid: chosen.get(uid, settings.LANGUAGE_CODE) for uid in user_ids}


def _render(text, params, language):
    if not text:
        return ""
    with translation.override(language):
        return str(text).format(**params) if params else str(text)


def reminders_scan(*, chamber, today=None, rules=None):
    """Insert a Delivery for every reminder due today in `chamber`; returns how many were new.

    Idempotent: rows that exist are skipped by the unique key (ON CONFLICT DO NOTHING), so a
    second scan, a second beat or a retried task changes nothing.
    """
    today = today or timezone.localdate()
    options = reminder_settings_for(chamber)
    due_at = timezone.make_aware(datetime.datetime.combine(today, options.send_time))
    all_rules = registered_rules()
    dues = []
    for rule, function in all_rules.items():
        if rules is not None and rule not in rules:
            continue
        if not options.is_enabled(rule):
            continue
        dues.extend((rule, due) for due in function(chamber, today, options.days_for(rule)))
    if not dues:
        return 0
    languages = _languages({due.recipient_id for _rule, due in dues})
    rows = [
        Delivery(
            chamber=chamber, rule=rule, subject_type=due.subject_type, subject_id=str(due.subject_id),
            occasion=due.occasion[:40], recipient_id=due.recipient_id, language=languages[due.recipient_id],
            title=_render(due.title, due.params, languages[due.recipient_id])[:300],
            body=_render(due.body, due.params, languages[due.recipient_id])[:5000],
            link=due.link[:300], due_at=due_at,
        )
        for rule, due in dues
    ]
    # ON CONFLICT DO NOTHING reports no ids: count the day's rows before and after instead
    # (all of today's rows share this due_at; the count stays small however old the table).
    todays = Delivery.objects.filter(chamber=chamber, due_at=due_at)
    before = todays.count()
    Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return todays.count() - before


def deliveries_due(*, now=None, limit=500):
    """Ids of deliveries to send now: pending and due, or claimed by a worker that died."""
    now = now or timezone.now()
    # A row claimed long ago belongs to a worker that died mid-send: back to pending. Should
    # that worker have died between the mail server's answer and marking the row sent, this
    # one message goes twice (same Message-ID, so mail clients show it once); every other
    # message is sent exactly once.
    stale = datetime.timedelta(seconds=settings.REMINDER_STALE_CLAIM_SECONDS)
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - stale).update(
        status=DeliveryStatus.PENDING)
    waiting = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return list(Delivery.objects.filter(waiting, status=DeliveryStatus.PENDING, due_at__lte=now)
                .order_by("due_at", "pk").values_list("pk", flat=True)[:limit])


def _wants(delivery):
    preference = ReminderPreference.objects.filter(user_id=delivery.recipient_id, rule=delivery.rule).first()
    if preference is None:
        return True, True
    return preference.by_email, preference.in_inbox


def delivery_send(delivery_id, *, now=None):
    """Send one delivery if nobody else is: True when this call sent it.

    The claim is a conditional update (pending → sending); 0 rows means another worker has
    it or it is done. Then the email goes out (if the recipient wants email and has an
    address), then the row is marked sent. A failure puts it back to pending with a
    backoff, and after MAX_ATTEMPTS marks it failed.
    """
    now = now or timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
    by_email, _in_inbox = _wants(delivery)
    try:
        emailed = False
        if by_email and delivery.recipient.email:
            message = EmailMessage(
                subject=delivery.title, body="{}\n\n{}".format(delivery.body, delivery.link).strip(),
                to=[delivery.recipient.email],
                # Derived from the unique key: should a crash ever resend, mail clients see one message.
                headers={"Message-ID": "<reminder.{}@{}>".format(delivery.key.replace(":", "."), "chamber.local")},
            )
            message.send()
            emailed = True
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
            next_attempt_at=None if failed else now + datetime.timedelta(minutes=2 ** delivery.attempts),
            last_error=str(error)[:500],
        )
        logger.warning("reminder %s failed (attempt %s): %s", delivery_id, delivery.attempts, error)
        return False
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now(),
                                                   emailed=emailed, last_error="")
    return True


@transaction.atomic
def delivery_mark_read(*, delivery, user):
    """Mark one inbox message read (only the recipient's own)."""
    Delivery.objects.filter(pk=delivery.pk, recipient=user, read_at__isnull=True).update(read_at=timezone.now())
