"""Celery tasks of the reminders: beat runs the scan and the dispatch; each delivery is a task.

Tasks take ids and call services. Nothing is scheduled hours ahead with countdown/eta
(Redis would redeliver it after the visibility timeout): deliveries wait in the database
until their time, and the dispatch, every minute, sends those that are due. So a restart of
beat or worker, or Redis being away for a while, only delays them: they catch up.
"""
import logging

from celery import shared_task
from django_scopes import scope, scopes_disabled

from ..models import Chamber
from .services import deliveries_due, delivery_send, reminders_scan

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def reminders_scan_all():
    """Send one scan task per chamber (after this transaction commits)."""
    from ..tasks import for_each_chamber_after_commit

    return for_each_chamber_after_commit(reminders_scan_chamber)


@shared_task
def reminders_scan_chamber(chamber_id):
    """Insert what is due today in one chamber; returns how many deliveries were new."""
    chamber = Chamber.objects.filter(pk=chamber_id).first()
    if chamber is None:
        return 0
    with scope(chamber=chamber):
        created = reminders_scan(chamber=chamber)
    if created:
        logger.info("reminders: %d new for %s", created, chamber.slug)
    return created


@shared_task(ignore_result=True)
def reminders_dispatch():
    """Send a `reminder_deliver` task for each delivery due now (a claimed one is skipped by the claim)."""
    with scopes_disabled():
        ids = deliveries_due()
    for delivery_id in ids:
        reminder_deliver.delay(delivery_id)
    return len(ids)


@shared_task(ignore_result=True)
def reminder_deliver(delivery_id):
    """Send one delivery, exactly once (see services.delivery_send)."""
    with scopes_disabled():
        return delivery_send(delivery_id)
