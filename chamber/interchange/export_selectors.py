"""Reads of the export log: a chamber admin sees everyone's exports, others their own."""
from chamber.access import CHAMBER_ADMIN

from .models import ExportRecord


def export_record_visible(*, chamber, user, access):
    """The exports `user` may see (and download): all of the chamber's for its admins."""
    qs = ExportRecord.objects.filter(chamber=chamber)
    if not access.has(CHAMBER_ADMIN):
        qs = qs.filter(created_by=user)
    return qs


def export_record_list(*, chamber, user, access):
    """The log, newest first, with who exported joined (one query a page)."""
    return export_record_visible(chamber=chamber, user=user, access=access).select_related("created_by").order_by(
        "-created_at", "-pk")


def export_record_get(*, chamber, user, access, pk):
    """One export the user may see; ExportRecord.DoesNotExist otherwise."""
    return export_record_visible(chamber=chamber, user=user, access=access).select_related("created_by").get(pk=pk)
