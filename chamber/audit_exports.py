"""The audit log as an export kind (chamber.interchange): the log filtered as on its page,
one line per changed field, for auditors. Taking it out is itself an export, recorded in
the export log and the audit log like any other."""
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import AUDIT_VIEW
from .audit_selectors import audit_filters, audit_list, audit_rows
from .interchange.exporting import ExportColumn, ExportKindSpec, export_kind

ROWS_AT_ONCE = 500  # entries made readable together (one query for their enterprises' pages)


@export_kind
class AuditExport(ExportKindSpec):
    key = "audit"
    title = _("Audit log")
    capability = AUDIT_VIEW

    def prepare(self, job):
        if job.access.branch_paths(AUDIT_VIEW) is not None:
            raise PermissionDenied  # the log spans the chamber; a branch-limited admin does not
        job.queryset = audit_list(chamber=job.chamber, filters=audit_filters(job.query))

    def columns(self, job):
        def when(line, j):
            return timezone.localtime(line["entry"].created_at).strftime("%Y-%m-%d %H:%M:%S")

        return [
            ExportColumn("时间", when, width=20),
            ExportColumn("操作人", lambda line, j: line["entry"].actor_label or "系统", width=14),
            ExportColumn("操作", lambda line, j: line["action"], width=14),
            ExportColumn("记录类型", lambda line, j: line["type"], width=14),
            ExportColumn("记录编号", lambda line, j: line["entry"].target_id, width=10),
            ExportColumn("记录", lambda line, j: line["entry"].target_repr, width=30),
            ExportColumn("字段", lambda line, j: line["field"], width=16),
            ExportColumn("变更前", lambda line, j: line["before"], width=24),
            ExportColumn("变更后", lambda line, j: line["after"], width=24),
            ExportColumn("原因", lambda line, j: line["entry"].reason, width=30),
        ]

    def rows(self, job):
        """One line per changed field (an entry without changes is one line), read a block
        of entries at a time."""
        block = []
        for entry in job.queryset.iterator(chunk_size=self.chunk_size):
            block.append(entry)
            if len(block) == ROWS_AT_ONCE:
                yield from self._lines(job, block)
                block = []
        yield from self._lines(job, block)

    def _lines(self, job, entries):
        for row in audit_rows(chamber=job.chamber, entries=entries):
            base = {"entry": row["entry"], "action": row["action"], "type": row["type"]}
            for field, before, after in row["changes"] or [("", "", "")]:
                yield {**base, "field": field, "before": before, "after": after}
