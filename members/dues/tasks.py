"""The daily lapse run: beat sends `dues_lapse_all`, which fans out one task per chamber.

Tasks take ids and open the chamber's scope themselves. The run is idempotent: a member
lapsed yesterday is no longer active today, so a second run lapses nobody again.
"""
import logging

from celery import shared_task
from django_scopes import scope

from chamber.models import Chamber
from chamber.tasks import for_each_chamber_after_commit

from .services import dues_lapse_overdue

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def dues_lapse_all():
    """Send one `dues_lapse_chamber` per chamber, after this transaction commits."""
    return for_each_chamber_after_commit(dues_lapse_chamber)


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
