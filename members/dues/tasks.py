"""The daily lapse run: beat sends `dues_lapse_all`, which fans out one task per chamber.

Tasks take ids and open the chamber's scope themselves. The run is idempotent: a member
lapsed yesterday is no longer active today, so a second run lapses nobody again.
"""
import logging

from celery import shared_task
from django.db import transaction
from django_scopes import scope, scopes_disabled

from chamber.models import Chamber

from .services import dues_lapse_overdue

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def dues_lapse_all():
    """Send one `dues_lapse_chamber` per chamber, after this transaction commits."""
    with scopes_disabled():
        chamber_ids = list(Chamber.objects.order_by("pk").values_list("pk", flat=True))
    for chamber_id in chamber_ids:
        transaction.on_commit(lambda chamber_id=chamber_id: dues_lapse_chamber.delay(chamber_id))
    return len(chamber_ids)


@shared_task
def dues_lapse_chamber(chamber_id):
    """Lapse the chamber's members whose dues are unpaid after the grace period; returns how many."""
    chamber = Chamber.objects.filter(pk=chamber_id).first()
    if chamber is None:
        return 0
    with scope(chamber=chamber):
        lapsed = dues_lapse_overdue(chamber=chamber, actor=None)
    if lapsed:
        logger.info("dues: %d members of %s lapsed", len(lapsed), chamber.slug)
    return len(lapsed)
