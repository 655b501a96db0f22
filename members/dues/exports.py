"""Export kinds of dues: the invoice list and the arrears, filtered as on their pages
(InvoiceFilterForm and the year, through the same selectors), with amounts as numbers."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.access import MONEY_VIEW
from chamber.interchange.exporting import ExportColumn, ExportKindSpec, export_kind
from chamber.interchange.writing import AMOUNT_FORMAT

from .forms import InvoiceFilterForm
from .selectors import INVOICE_STATUSES, dues_arrears_list, dues_invoice_list, invoice_status


def _year(value):
    """The page's year (DuesMixin.year): `?year=`, else the current one; nonsense falls back too."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _filters(job):
    form = InvoiceFilterForm(job.query or None, chamber=job.chamber,
                             statuses=[(k, v) for k, v in INVOICE_STATUSES.items()])
    return form.values()


def _money(header, attribute):
    return ExportColumn(header, lambda invoice, job: getattr(invoice, attribute), width=14,
                        number_format=AMOUNT_FORMAT)


class _DuesExport(ExportKindSpec):
    capability = MONEY_VIEW

    def columns(self, job):
        today = timezone.localdate()
        return [
            ExportColumn("年度", lambda i, j: i.year, width=8),
            ExportColumn("缴费通知单号", lambda i, j: i.number, width=18),
            ExportColumn("会员", lambda i, j: i.membership.name, width=36),
            ExportColumn("会员编号", lambda i, j: i.membership.member_number, width=12),
            ExportColumn("开具时等级", lambda i, j: i.rank_name),
            ExportColumn("开具日期", lambda i, j: i.issued_on, width=12),
            ExportColumn("缴费截止日", lambda i, j: i.due_on, width=12),
            _money("应缴金额（元）", "amount"),
            _money("已缴金额（元）", "settled_amount"),
            _money("减免金额（元）", "written_off_amount"),
            _money("欠缴金额（元）", "outstanding"),
            ExportColumn("状态", lambda i, j: str(INVOICE_STATUSES[invoice_status(i, today)])),
        ]


@export_kind
class DuesInvoiceExport(_DuesExport):
    """The invoice list (`?year=all` for every year)."""

    key = "dues_invoices"
    title = _("Dues invoices")

    def prepare(self, job):
        year = None if job.get("year") == "all" else _year(job.get("year"))
        job.queryset = dues_invoice_list(chamber=job.chamber, year=year, today=timezone.localdate(), **_filters(job))


@export_kind
class DuesArrearsExport(_DuesExport):
    """The arrears of the dues overview's year."""

    key = "dues_arrears"
    title = _("Dues arrears")

    def prepare(self, job):
        filters = _filters(job)
        filters.pop("status", None)  # the overview has no status filter
        job.queryset = dues_arrears_list(chamber=job.chamber, year=_year(job.get("year")),
                                         today=timezone.localdate(), **filters)
