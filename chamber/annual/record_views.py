"""Placeholder: the work-record and report-input pages are being written."""
from django.views import View


class ReportInputsView(View):
    pass


class WorkRecordListView(View):
    pass


class WorkRecordCreateView(View):
    pass


class WorkRecordUpdateView(View):
    pass


class WorkRecordDeleteView(View):
    pass
