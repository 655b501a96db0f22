"""Placeholder: the annual report pages are being written."""
from django.views import View


class ReportIndexView(View):
    pass


class ReportView(View):
    pass


class ReportGenerateView(View):
    pass


class ReportStatusView(View):
    pass


class ReportPdfView(View):
    pass


class ReportXlsxView(View):
    pass


class AffiliateReportsView(View):
    pass
