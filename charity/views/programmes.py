"""Programme pages: the list with totals and progress, create and edit, the detail page
(totals, donations, recipients, honour roll), closing and publishing, recipients."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.access import CHARITY_MANAGE, MONEY_RECORD, MONEY_VIEW

from ..forms import ProgrammeEditForm, RecipientEditForm
from ..models import DonorKind, Recipient
from ..selectors import (
    donation_list,
    honour_roll,
    programme_list_with_totals,
    programme_summary,
    programme_years,
    recipient_list,
)
from ..services import (
    programme_close,
    programme_create,
    programme_reopen,
    programme_update,
    recipient_add,
    recipient_update,
)
from .base import CharityMixin, ServiceFormView

PAGE_SIZE = 25


def parse_year(value):
    """A year from the query string, or None for anything that is not a plausible year."""
    return int(value) if value and value.isdigit() and 1900 < int(value) < 2200 else None


def programme_url(programme):
    return reverse("charity:programme", kwargs={"chamber": programme.chamber.slug, "pk": programme.pk})


class ProgrammeListView(CharityMixin, TemplateView):
    """The chamber's programmes with pledged / received against their goals; a year filter.
    Three queries whatever the number of programmes: programmes, one grouped sum, the years."""

    permission = MONEY_VIEW
    write_permission = CHARITY_MANAGE
    template_name = "charity/programmes.html"

    def get_context_data(self, **kwargs):
        year = parse_year(self.request.GET.get("year"))
        programmes = programme_list_with_totals(chamber=self.chamber, year=year)
        return super().get_context_data(
            programmes=programmes, year=year, years=programme_years(chamber=self.chamber),
            can_manage=self.access.has(CHARITY_MANAGE), can_record=self.access.has(MONEY_RECORD), **kwargs)


class ProgrammeFormMixin:
    permission = CHARITY_MANAGE
    write_permission = CHARITY_MANAGE
    form_class = ProgrammeEditForm
    template_name = "charity/form.html"

    def get_form_kwargs(self):
        return dict(super().get_form_kwargs(), chamber=self.chamber)


class ProgrammeCreateView(ProgrammeFormMixin, ServiceFormView):
    """Start a programme or a standing fund."""

    def call_service(self, data):
        programme = programme_create(chamber=self.chamber, actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Programme created."))
        return programme_url(programme)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New charity programme"), submit_label=_("Create"),
                                        cancel_url=reverse("charity:programmes", kwargs={"chamber": self.chamber.slug}),
                                        **kwargs)


class ProgrammeEditView(ProgrammeFormMixin, ServiceFormView):
    """Change a programme's details."""

    def get_programme_once(self):
        if not hasattr(self, "programme"):
            self.programme = self.get_programme(self.kwargs["pk"])
        return self.programme

    def get_initial(self):
        p = self.get_programme_once()
        return {field: getattr(p, field) for field in ("name", "kind", "form", "goal_amount", "starts_on", "ends_on",
                                                        "organiser_branch", "description", "honour_roll_public")}

    def call_service(self, data):
        programme_update(programme=self.get_programme_once(), actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Changes saved."))
        return programme_url(self.programme)

    def get_context_data(self, **kwargs):
        programme = self.get_programme_once()
        return super().get_context_data(title=_("Edit programme"), submit_label=_("Save"), programme=programme,
                                        cancel_url=programme_url(programme), **kwargs)


class ProgrammeDetailView(CharityMixin, TemplateView):
    """One programme: its totals against the goal, its donations (filtered, paginated), its
    recipients and its honour roll. A fixed number of queries whatever the page size."""

    permission = MONEY_VIEW
    write_permission = CHARITY_MANAGE
    template_name = "charity/programme.html"

    def get_context_data(self, **kwargs):
        programme = self.get_programme(kwargs["pk"])
        get = self.request.GET
        donor_kind = get.get("donor_kind") if get.get("donor_kind") in DonorKind.values else None
        q = (get.get("q") or "").strip()[:100]
        donations = donation_list(chamber=self.chamber, programme=programme, donor_kind=donor_kind,
                                  year=parse_year(get.get("year")), q=q or None)
        page = Paginator(donations, PAGE_SIZE).get_page(get.get("page"))
        public_url = self.request.build_absolute_uri(reverse(
            "charity_public:honour_roll", kwargs={"chamber": self.chamber.slug, "pk": programme.pk}))
        return super().get_context_data(
            programme=programme, totals=programme_summary(programme=programme), page_obj=page,
            donations=page.object_list, recipients=list(recipient_list(programme=programme)),
            roll=honour_roll(programme=programme), donor_kinds=DonorKind.choices, donor_kind=donor_kind, q=q,
            public_url=public_url, can_manage=self.access.has(CHARITY_MANAGE),
            can_record=self.access.has(MONEY_RECORD), **kwargs)


class ProgrammeSwitchView(CharityMixin, View):
    """POST only: close or reopen a programme; make its honour roll public or private."""

    permission = None  # nothing to read here
    write_permission = CHARITY_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        programme = self.get_programme(kwargs["pk"])
        switch = kwargs["switch"]
        if switch == "close":
            programme_close(programme=programme, actor=request.user, access=self.access)
            messages.success(request, _("The programme is closed: it takes no new donations."))
        elif switch == "reopen":
            programme_reopen(programme=programme, actor=request.user, access=self.access)
            messages.success(request, _("The programme is open again."))
        elif switch in ("public", "private"):
            programme_update(programme=programme, actor=request.user, access=self.access,
                             honour_roll_public=switch == "public")
            messages.success(request, _("The honour roll is public.") if switch == "public"
                             else _("The honour roll is private."))
        else:
            raise Http404
        return redirect(programme_url(programme))


class RecipientFormMixin:
    permission = CHARITY_MANAGE
    write_permission = CHARITY_MANAGE
    form_class = RecipientEditForm
    template_name = "charity/form.html"

    def setup_rows(self):
        if not hasattr(self, "programme"):
            self.programme = self.get_programme(self.kwargs["pk"])
            self.recipient = None
            if "recipient" in self.kwargs:
                self.recipient = Recipient.objects.filter(chamber=self.chamber, programme=self.programme,
                                                          pk=self.kwargs["recipient"]).first()
                if self.recipient is None:
                    raise Http404
                self.recipient.programme = self.programme

    def get_context_data(self, **kwargs):
        self.setup_rows()
        title = _("Edit recipient") if self.recipient else _("Add a recipient")
        return super().get_context_data(title=title, submit_label=_("Save"), programme=self.programme,
                                        cancel_url=programme_url(self.programme) + "#recipients", **kwargs)


class RecipientCreateView(RecipientFormMixin, ServiceFormView):
    """Add a recipient to a programme."""

    def call_service(self, data):
        self.setup_rows()
        recipient_add(programme=self.programme, actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Recipient added."))
        return programme_url(self.programme) + "#recipients"


class RecipientEditView(RecipientFormMixin, ServiceFormView):
    """Change a recipient."""

    def get_initial(self):
        self.setup_rows()
        return {f: getattr(self.recipient, f) for f in ("name", "kind", "address", "note")}

    def call_service(self, data):
        self.setup_rows()
        recipient_update(recipient=self.recipient, actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Changes saved."))
        return programme_url(self.programme) + "#recipients"
