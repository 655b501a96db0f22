"""Export kind of charity: donations, filtered as on the programme page (or across every
programme without `?programme=`), with amounts as numbers."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from chamber.access import MONEY_VIEW
from chamber.interchange.exporting import ExportColumn, ExportKindSpec, export_kind
from chamber.interchange.writing import AMOUNT_FORMAT

from .models import DonationForm, DonorKind, Programme
from .selectors import donation_list
from .views.programmes import parse_year


def _money(header, value):
    return ExportColumn(header, value, width=14, number_format=AMOUNT_FORMAT)


@export_kind
class DonationExport(ExportKindSpec):
    key = "donations"
    title = _("Donations")
    capability = MONEY_VIEW

    def prepare(self, job):
        programme = None
        if job.get("programme"):
            wanted = str(job.get("programme"))
            programme = Programme.objects.filter(chamber=job.chamber, pk=wanted).first() if wanted.isdigit() else None
            if programme is None:
                raise Http404
            job.title = "{}（{}）".format(job.title, programme.name)
        donor_kind = job.get("donor_kind") if job.get("donor_kind") in DonorKind.values else None
        q = str(job.get("q") or "").strip()[:100]
        job.queryset = donation_list(chamber=job.chamber, programme=programme, donor_kind=donor_kind,
                                     year=parse_year(str(job.get("year") or "")), q=q or None)
        job.context.update(kinds=dict(DonorKind.choices), forms=dict(DonationForm.choices))

    def columns(self, job):
        kinds, forms = job.context["kinds"], job.context["forms"]
        return [
            ExportColumn("认捐日期", lambda d, j: d.pledged_on, width=12),
            ExportColumn("项目", lambda d, j: d.programme.name, width=30),
            ExportColumn("捐赠方类型", lambda d, j: str(kinds.get(d.donor_kind, d.donor_kind))),
            ExportColumn("捐赠方", lambda d, j: d.donor_name, width=30),
            ExportColumn("会员", lambda d, j: d.membership.name if d.membership_id else "", width=30),
            ExportColumn("分会", lambda d, j: d.branch.name if d.branch_id else ""),
            ExportColumn("形式", lambda d, j: str(forms.get(d.form, d.form))),
            ExportColumn("物资", lambda d, j: d.goods_description, width=24),
            _money("认捐金额（元）", lambda d, j: d.amount),
            _money("已到账（元）", lambda d, j: d.settled_amount),
            _money("已撤回（元）", lambda d, j: d.written_off_amount),
            _money("未到账（元）", lambda d, j: d.outstanding),
            ExportColumn("指定受助方", lambda d, j: d.recipient.name if d.recipient_id else ""),
            ExportColumn("匿名", lambda d, j: "是" if d.anonymous else ""),
            ExportColumn("备注", lambda d, j: d.note, width=30),
        ]
