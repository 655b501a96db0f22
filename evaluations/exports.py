"""Export kind of evaluations: the ratings register, filtered as on its page
(RatingFilterForm, rating_register; `?expiring=90` gives the expiring view's rows)."""
from django.utils.translation import gettext_lazy as _

from chamber.access import EVALUATIONS_VIEW
from chamber.interchange.exporting import ExportColumn, ExportKindSpec, export_kind

from .forms.campaigns import RatingFilterForm
from .models import RatingStatus
from .ratings import rating_register


@export_kind
class RatingExport(ExportKindSpec):
    key = "ratings"
    title = _("Ratings register")
    capability = EVALUATIONS_VIEW

    def prepare(self, job):
        form = RatingFilterForm(job.query or None, chamber=job.chamber)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        job.queryset = rating_register(chamber=job.chamber, scheme=filters.get("scheme"), level=filters.get("level"),
                                       status=filters.get("status"), subject=filters.get("q", ""),
                                       expiring_within=filters.get("expiring"))
        job.context["statuses"] = dict(RatingStatus.choices)

    def columns(self, job):
        statuses = job.context["statuses"]
        return [
            ExportColumn("评定对象", lambda r, j: r.subject_name, width=30),
            ExportColumn("评定方案", lambda r, j: r.scheme.name, width=24),
            ExportColumn("等级", lambda r, j: r.grade_label),
            ExportColumn("级别", lambda r, j: r.level),
            ExportColumn("总分", lambda r, j: r.total),
            ExportColumn("评定日期", lambda r, j: r.awarded_on, width=12),
            ExportColumn("有效期至", lambda r, j: r.valid_until, width=12),
            ExportColumn("状态", lambda r, j: str(statuses.get(r.status, r.status))),
            ExportColumn("评定活动", lambda r, j: r.campaign.name if r.campaign_id else "", width=24),
            ExportColumn("评定机构", lambda r, j: r.awarded_by, width=20),
            ExportColumn("备注", lambda r, j: r.note, width=30),
        ]
