"""The annual report's hand-entered data, under /c/<chamber>/annual/: the register of work
records (honours, research and analysis reports, proposals, publicity, investment projects)
and the inputs of a year's report (summary, the coverage denominator, kinds confirmed as
none).

The report counts the whole chamber, so these pages need their capability at the chamber
root (WholeChamberMixin): reading MEMBERS_VIEW, writing REPORTS_MANAGE. A branch-limited
role gets 403, an outsider 404. The form pages need REPORTS_MANAGE to be shown at all.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from chamber.access import MEMBERS_VIEW, REPORTS_MANAGE
from chamber.documents.views import WholeChamberMixin
from chamber.forms import add_service_errors
from chamber.mixins import safe_next_url
from events.selectors.events import query_int

from .forms import ReportInputsForm, WorkRecordForm, kinds_using
from .models import WorkRecordKind
from .selectors import (
    annual_report_get,
    work_record_get,
    work_record_kind_counts,
    work_record_list,
    work_record_years,
)
from .services import (
    SPECIFIC_FIELDS,
    WORK_RECORD_FIELDS,
    YEAR_MAX,
    YEAR_MIN,
    annual_report_inputs_save,
    work_record_create,
    work_record_delete,
    work_record_update,
)

PAGE_SIZE = 50


class RecordsMixin(WholeChamberMixin):
    permission = MEMBERS_VIEW
    write_permission = REPORTS_MANAGE

    @property
    def can_manage(self):
        return self.access.covers(REPORTS_MANAGE, None)

    def records_url(self, year=None):
        url = reverse("annual:records", kwargs={"chamber": self.chamber.slug})
        return "{}?year={}".format(url, year) if year else url

    def next_url(self, default):
        """Where to go after a save: `next` when it is a URL of this site, else `default`
        (an address from the query string must not send the user elsewhere)."""
        return safe_next_url(self.request, default)

    def next_param(self):
        """The `next` to carry through the form (checked only when it is used)."""
        return self.request.POST.get("next") or self.request.GET.get("next") or ""

    def get_record(self):
        """The work record named by the URL, in this chamber; another chamber's is a 404."""
        if not hasattr(self, "record"):
            record = work_record_get(chamber=self.chamber, pk=self.kwargs["pk"])
            if record is None:
                raise Http404
            record.chamber = self.chamber  # the audit entry names it without another query
            self.record = record
        return self.record


class WorkRecordListView(RecordsMixin, TemplateView):
    """The chamber's work records of a year, newest first: filter by kind, search the title,
    50 a page, the year's count per kind on top. Four queries of its own whatever the page
    size: the counts per kind, the years for the picker, the page's count and its rows."""

    template_name = "annual/records/list.html"

    def get_context_data(self, **kwargs):
        get = self.request.GET
        year = query_int(get.get("year"))
        year = year if year and YEAR_MIN <= year <= YEAR_MAX else timezone.localdate().year
        kind = get.get("kind") if get.get("kind") in WorkRecordKind.values else ""
        q = (get.get("q") or "").strip()[:100]
        page = Paginator(work_record_list(chamber=self.chamber, year=year, kind=kind, q=q), PAGE_SIZE).get_page(
            get.get("page"))
        counts = work_record_kind_counts(chamber=self.chamber, year=year)
        years = work_record_years(chamber=self.chamber)
        if year not in years:  # a year asked for by address stays selected in the picker
            years = sorted(years + [year], reverse=True)
        return super().get_context_data(
            page_obj=page, records=page.object_list, year=year, years=years, kinds=WorkRecordKind.choices,
            kind_counts=[{"value": value, "label": label, "count": counts[value]}
                         for value, label in WorkRecordKind.choices],
            total=sum(counts.values()), filters={"year": year, "kind": kind, "q": q},
            can_manage=self.can_manage, here=self.request.get_full_path(), **kwargs)


class WorkRecordFormView(RecordsMixin, FormView):
    """Base of the create and change pages: the form, a service call, back to the list of
    the record's year (or to `next`)."""

    permission = REPORTS_MANAGE
    form_class = WorkRecordForm
    template_name = "annual/records/form.html"
    page_title = ""
    success_message = ""

    def save(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            record = self.save(form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.next_url(self.records_url(record.occurred_on.year)))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.page_title, cancel_url=self.next_url(self.records_url()), next=self.next_param(),
            # For the script that hides the fields a kind does not use: {field: [kinds]}.
            kind_fields={name: kinds_using(name) for name in SPECIFIC_FIELDS}, **kwargs)


class WorkRecordCreateView(WorkRecordFormView):
    """Record a piece of the chamber's work; `?kind=` chooses the kind in advance."""

    @property
    def page_title(self):
        return _("New work record")

    @property
    def success_message(self):
        return _("The work record was saved.")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind if kind in WorkRecordKind.values else WorkRecordKind.HONOUR,
                "occurred_on": timezone.localdate()}

    def save(self, data):
        return work_record_create(chamber=self.chamber, actor=self.request.user, **data)


class WorkRecordUpdateView(WorkRecordFormView):
    """Change a work record."""

    @property
    def page_title(self):
        return _("Edit work record")

    @property
    def success_message(self):
        return _("Changes saved.")

    def get_initial(self):
        record = self.get_record()
        return {name: getattr(record, name) for name in WORK_RECORD_FIELDS}

    def save(self, data):
        return work_record_update(record=self.get_record(), actor=self.request.user, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.get_record(), **kwargs)


class WorkRecordDeleteView(RecordsMixin, TemplateView):
    """GET asks for confirmation; POST deletes and goes back to the list of its year."""

    permission = REPORTS_MANAGE
    template_name = "annual/records/delete.html"

    def get_context_data(self, **kwargs):
        record = self.get_record()
        return super().get_context_data(record=record, cancel_url=self.records_url(record.occurred_on.year),
                                        **kwargs)

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        year = record.occurred_on.year
        work_record_delete(record=record, actor=request.user)
        messages.success(request, _("The work record “{title}” was deleted.").format(title=record.title))
        return redirect(self.next_url(self.records_url(year)))


class ReportInputsView(RecordsMixin, FormView):
    """What the secretariat adds by hand to the year's report. Showing the page never
    creates the AnnualReport row; the first save does."""

    permission = REPORTS_MANAGE
    form_class = ReportInputsForm
    template_name = "annual/inputs.html"

    @cached_property
    def year(self):
        year = self.kwargs["year"]
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise Http404
        return year

    @cached_property
    def report(self):
        return annual_report_get(chamber=self.chamber, year=self.year)

    @cached_property
    def counts(self):
        return work_record_kind_counts(chamber=self.chamber, year=self.year)

    def get_initial(self):
        report = self.report
        if report is None:
            return {}
        return {"summary": report.summary, "above_size_enterprises": report.above_size_enterprises,
                "none_confirmed": list(report.none_confirmed or [])}

    def get_form_kwargs(self):
        return dict(super().get_form_kwargs(), counts=self.counts)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            annual_report_inputs_save(chamber=self.chamber, year=self.year, actor=self.request.user,
                                      summary=data["summary"], above_size_enterprises=data["above_size_enterprises"],
                                      none_confirmed=data["none_confirmed"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The inputs of the {year} report were saved.").format(year=self.year))
        return redirect(self.next_url(reverse("annual:report", kwargs={"chamber": self.chamber.slug,
                                                                       "year": self.year})))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.year, report=self.report, records_url=self.records_url(self.year),
            total=sum(self.counts.values()), next=self.next_param(),
            **kwargs)
