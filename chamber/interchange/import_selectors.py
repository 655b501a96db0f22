"""Reads for the import pages: the chamber's imports, and one batch's rows by filter."""
from .models import ImportBatch, ImportRow

ROW_FILTERS = ("all", "errors", "warnings")


def import_batch_list(*, chamber, kinds):
    """The chamber's imports of `kinds` (those the user may import), newest first, with the
    users shown in the list."""
    return (ImportBatch.objects.filter(chamber=chamber, kind__in=list(kinds))
            .select_related("created_by", "imported_by", "undone_by")
            .order_by("-created_at", "-pk"))


def import_batch_get(*, chamber, pk):
    return ImportBatch.objects.select_related("created_by", "imported_by", "undone_by").get(chamber=chamber, pk=pk)


def import_row_list(*, batch, which="all"):
    """A batch's rows in file order: all, those with errors, or those with warnings."""
    rows = ImportRow.objects.filter(chamber=batch.chamber_id, batch=batch)
    if which == "errors":
        rows = rows.exclude(errors={})
    elif which == "warnings":
        rows = rows.exclude(warnings={})
    return rows.order_by("number")
