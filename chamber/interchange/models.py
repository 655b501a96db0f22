"""Import batches (a file, its rows as checked, what each row made) and the export log."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.uploads import private_storage

from chamber.models import TenantModel

__all__ = [
    "ImportKind", "ImportStatus", "ImportMode", "ImportBatch", "ImportRowStatus", "ImportRow",
    "ExportFormat", "ExportStatus", "ExportRecord",
]


class ImportKind(models.TextChoices):
    MEMBERS = "members", _("Members")
    OFFICERS = "officers", _("Officers")
    ANNUAL_FIGURES = "annual_figures", _("Annual enterprise figures")
    DONATIONS = "donations", _("Donations")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Columns to match")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")
    DISCARDED = "discarded", _("Discarded")


class ImportMode(models.TextChoices):
    ALL = "all", _("All rows (only when the file is clean)")
    VALID = "valid", _("Only the valid rows")


def _import_path(batch, filename):
    return "imports/{}/{}".format(batch.chamber_id, timezone.now().strftime("%Y%m%d%H%M%S%f"))


class ImportBatch(TenantModel):
    """One uploaded file of one import kind, from upload through checking and import to a
    possible undo. The counts are kept on the row so the import list needs no aggregate."""

    kind = models.CharField(_("import type"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.CHECKING)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)  # "xlsx" / "csv"
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    headers = models.JSONField(_("headers in the file"), default=list)
    # {index of the file's column (as text): column key of the import kind, or "" to ignore}
    mapping = models.JSONField(_("column mapping"), default=dict)
    options = models.JSONField(_("options"), default=dict, blank=True)
    mode = models.CharField(_("what to import"), max_length=10, choices=ImportMode.choices, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    warning_rows = models.PositiveIntegerField(_("rows with warnings"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    failure = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("undone by"),
                                  on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["chamber", "-created_at"], name="import_chamber_recent")]

    def __str__(self):
        return "{} {}".format(self.get_kind_display(), self.original_name)

    @property
    def valid_rows(self):
        return self.total_rows - self.error_rows


class ImportRowStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    WARNING = "warning", _("Valid, with warnings")
    ERROR = "error", _("Has errors")
    IMPORTED = "imported", _("Imported")
    SKIPPED = "skipped", _("Not imported")
    UNDONE = "undone", pgettext_lazy("import row", "Undone")


class ImportRow(TenantModel):
    """One data row of an import file as it was read and checked, and what importing it
    made or changed (`undo`), so the batch can be taken back row by row."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))  # the row number as the spreadsheet shows it
    values = models.JSONField(_("values"), default=dict)  # {column key: text as read}
    errors = models.JSONField(_("errors"), default=dict, blank=True)  # {column key or "__row__": [messages]}
    warnings = models.JSONField(_("warnings"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportRowStatus.choices)
    undo = models.JSONField(_("what importing it did"), default=list, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique")]
        indexes = [models.Index(fields=["batch", "status", "number"], name="import_row_status")]

    def __str__(self):
        return "#{}".format(self.number)


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def _export_path(record, filename):
    return "exports/{}/{}".format(record.chamber_id, timezone.now().strftime("%Y%m%d%H%M%S%f"))


class ExportRecord(TenantModel):
    """One export of a list: who took which rows out, with which filters and when. Large
    exports are built in the background and kept here as a file until downloaded or old."""

    kind = models.CharField(_("list"), max_length=30)  # an export kind's key, e.g. "members"
    title = models.CharField(_("title"), max_length=200)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    file_format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.READY)
    in_background = models.BooleanField(_("prepared in the background"), default=False)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_export_path, max_length=200, blank=True)
    failure = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("exported at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["chamber", "-created_at"], name="export_chamber_recent")]

    def __str__(self):
        return self.title
