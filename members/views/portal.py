"""The member self-service portal (a representative keeps their own enterprise current)
and the secretariat's approval queue for what representatives propose.

Portal pages need SELF_SERVICE and only ever show enterprises the user represents (the
guardian grant): any other enterprise id is a 404. Approval pages need MEMBERS_CHANGE; a
branch secretary sees only changes to enterprises that are members in their subtrees.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import MEMBERS_CHANGE, SELF_SERVICE
from chamber.audit import snapshot
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..forms.portal import ApprovalDecisionForm, PortalContactForm, PortalFiguresForm, PortalProfileForm
from ..models import Contact, Enterprise, SelfServiceKind, SelfServiceStatus
from ..selectors import (
    annual_figures_list,
    enterprise_self_service_list,
    portal_enterprise_page,
    self_service_change_list,
)
from ..dues.selectors import member_dues_summary
from ..self_service import (
    PROFILE_FIELDS,
    self_service_approve,
    self_service_diff,
    self_service_propose,
    self_service_reject,
)


# --- The portal -------------------------------------------------------------------------------

def portal_money(membership):
    """The representative's own dues (invoices, status) and their enterprise's donations.

    Only the enterprise's own records; nothing when it is not (or no longer) a member.
    """
    if membership is None:
        return {"dues": None, "donations": None}
    from charity.selectors import member_donation_summary

    return {"dues": member_dues_summary(membership=membership),
            "donations": member_donation_summary(membership=membership)}


def portal_services(membership, user):
    """The enterprise's events (open ones to register for, its registrations) and its requests."""
    if membership is None:
        return {"portal_events": None, "portal_requests": None}
    from events.selectors.events import portal_events
    from events.selectors.requests import portal_requests

    return {"portal_events": portal_events(membership=membership, user=user),
            "portal_requests": portal_requests(membership=membership, user=user)}


class PortalMixin(ChamberViewMixin):
    """Portal pages: SELF_SERVICE to read and to propose; enterprises by the user's grants."""

    permission = SELF_SERVICE
    write_permission = SELF_SERVICE

    def get_enterprise(self):
        """The represented enterprise named in the URL; any other is a 404."""
        enterprise = enterprise_self_service_list(chamber=self.chamber, user=self.request.user).filter(
            pk=self.kwargs["enterprise_pk"]
        ).first()
        if enterprise is None:
            raise Http404
        enterprise.chamber = self.chamber  # already loaded; saves a query per use
        return enterprise

    def portal_url(self, enterprise):
        return reverse("members:portal_enterprise",
                       kwargs={"chamber": self.chamber.slug, "enterprise_pk": enterprise.pk})

    def render_enterprise(self, enterprise, **extra):
        """The enterprise page: profile, membership, contacts, figures and the user's changes."""
        enterprise.chamber = self.chamber
        profile = [(Enterprise._meta.get_field(name).verbose_name, getattr(enterprise, name), name)
                   for name in ("name", "uscc") + PROFILE_FIELDS]
        page = portal_enterprise_page(enterprise=enterprise)
        context = self.get_context_data(enterprise=enterprise, profile=profile,
                                        needs_approval=self.chamber.self_service_requires_approval,
                                        **page, **portal_money(page["membership"]),
                                        **portal_services(page["membership"], self.request.user), **extra)
        return self.response_class(request=self.request, template=["members/portal/enterprise.html"],
                                   context=context, using=self.template_engine)


class PortalView(PortalMixin, TemplateView):
    """The representative's enterprise; with several, a list to pick from."""

    template_name = "members/portal/index.html"

    def get(self, request, *args, **kwargs):
        enterprises = list(enterprise_self_service_list(chamber=self.chamber, user=request.user).order_by("name", "pk"))
        if len(enterprises) == 1:
            return self.render_enterprise(enterprises[0])
        return self.render_to_response(self.get_context_data(enterprises=enterprises))


class PortalEnterpriseView(PortalMixin, TemplateView):
    """One represented enterprise, picked from the list."""

    def get(self, request, *args, **kwargs):
        enterprises_count = enterprise_self_service_list(chamber=self.chamber, user=request.user).count()
        return self.render_enterprise(self.get_enterprise(), several=enterprises_count > 1)


class PortalFormView(PortalMixin, TemplateView):
    """A portal form: proposes one change, then returns to the enterprise with a message."""

    template_name = "members/portal/form.html"
    form_class = None
    kind = None

    def heading(self):
        return ""

    def initial(self):
        return {}

    def get_contact(self):
        return None

    def get(self, request, *args, **kwargs):
        self.enterprise = self.get_enterprise()
        self.contact = self.get_contact()
        return self.render_form(self.form_class(initial=self.initial()))

    def post(self, request, *args, **kwargs):
        self.enterprise = self.get_enterprise()
        self.contact = self.get_contact()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                change = self_service_propose(enterprise=self.enterprise, user=request.user, kind=self.kind,
                                              values=form.cleaned_data, contact=self.contact)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if change.status == SelfServiceStatus.APPLIED:
                    messages.success(request, _("Saved."))
                else:
                    messages.info(request, _("Sent for approval. The secretariat will review your change."))
                return redirect(self.portal_url(self.enterprise))
        return self.render_form(form)

    def render_form(self, form):
        return self.render_to_response(self.get_context_data(
            form=form, enterprise=self.enterprise, contact=self.contact, heading=self.heading(),
            back_url=self.portal_url(self.enterprise),
            needs_approval=self.chamber.self_service_requires_approval,
        ))


class PortalProfileEditView(PortalFormView):
    """The profile fields a representative may change, prefilled with the current values."""

    form_class = PortalProfileForm
    kind = SelfServiceKind.PROFILE

    def heading(self):
        return _("Edit profile")

    def initial(self):
        return snapshot(self.enterprise, PROFILE_FIELDS)


class PortalContactAddView(PortalFormView):
    """A new contact person for the enterprise."""

    form_class = PortalContactForm
    kind = SelfServiceKind.CONTACT_ADD

    def heading(self):
        return _("Add a contact")


class PortalContactEditView(PortalFormView):
    """One of the enterprise's contacts; a contact of another enterprise is a 404."""

    form_class = PortalContactForm
    kind = SelfServiceKind.CONTACT_CHANGE

    def get_contact(self):
        contact = Contact.objects.filter(chamber=self.chamber, enterprise=self.enterprise,
                                         pk=self.kwargs["contact_pk"]).select_related("person").first()
        if contact is None:
            raise Http404
        return contact

    def initial(self):
        return {"name": self.contact.person.name, "mobile": self.contact.person.mobile,
                "title": self.contact.title, "is_primary": self.contact.is_primary}

    def heading(self):
        return _("Edit contact {name}").format(name=self.contact.person.name)


class PortalContactRemoveView(PortalContactEditView):
    """Asks to confirm, then proposes the removal."""

    template_name = "members/portal/contact_remove.html"
    kind = SelfServiceKind.CONTACT_REMOVE

    def get(self, request, *args, **kwargs):
        self.enterprise = self.get_enterprise()
        self.contact = self.get_contact()
        return self.render_form(None)

    def post(self, request, *args, **kwargs):
        self.enterprise = self.get_enterprise()
        self.contact = self.get_contact()
        try:
            change = self_service_propose(enterprise=self.enterprise, user=request.user, kind=self.kind,
                                          contact=self.contact)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.portal_url(self.enterprise))
        if change.status == SelfServiceStatus.APPLIED:
            messages.success(request, _("Contact removed."))
        else:
            messages.info(request, _("Sent for approval. The secretariat will review your change."))
        return redirect(self.portal_url(self.enterprise))

    def heading(self):
        return _("Remove contact {name}").format(name=self.contact.person.name)


class PortalFiguresView(PortalFormView):
    """One year per form; `?year=` opens that year with its figures filled in."""

    form_class = PortalFiguresForm
    kind = SelfServiceKind.FIGURES

    def initial(self):
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year - 1  # figures are reported for the past year
        figures = annual_figures_list(enterprise=self.enterprise).filter(year=year).first()
        if figures is None:
            return {"year": year}
        return {"year": year, "revenue": figures.revenue, "tax_paid": figures.tax_paid, "employees": figures.employees}

    def heading(self):
        return _("Annual figures")


# --- The approval queue -----------------------------------------------------------------------

class ApprovalMixin(ChamberViewMixin):
    """Approval pages: MEMBERS_CHANGE, and only changes within the user's branch reach."""

    permission = MEMBERS_CHANGE
    write_permission = MEMBERS_CHANGE

    def changes(self, status=None):
        return self_service_change_list(chamber=self.chamber, status=status, access=self.access)


class ApprovalListView(ApprovalMixin, TemplateView):
    """Pending changes, oldest first; `?show=history` lists the decided ones, newest first."""

    template_name = "members/approvals/list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        history = self.request.GET.get("show") == "history"
        if history:
            decided = [SelfServiceStatus.APPROVED, SelfServiceStatus.REJECTED, SelfServiceStatus.APPLIED]
            changes = self.changes(decided).order_by("-decided_at", "-pk")
        else:
            changes = self.changes(SelfServiceStatus.PENDING)
        page = Paginator(changes, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(history=history, page_obj=page, changes=page.object_list, **kwargs)


class ApprovalDetailView(ApprovalMixin, TemplateView):
    """One change field by field, with approve and reject buttons while it is pending."""

    template_name = "members/approvals/detail.html"

    def get_change(self):
        change = self.changes().filter(pk=self.kwargs["pk"]).first()
        if change is None:
            raise Http404
        change.chamber = self.chamber
        change.enterprise.chamber = self.chamber
        return change

    def get(self, request, *args, **kwargs):
        return self.render_change(self.get_change(), ApprovalDecisionForm())

    def post(self, request, *args, **kwargs):
        change = self.get_change()
        form = ApprovalDecisionForm(request.POST)
        if form.is_valid():
            action, note = form.cleaned_data["action"], form.cleaned_data["note"]
            try:
                if action == "approve":
                    self_service_approve(change=change, actor=request.user, note=note, access=self.access)
                    messages.success(request, _("Change #{number} approved and applied.").format(number=change.pk))
                else:
                    self_service_reject(change=change, actor=request.user, note=note, access=self.access)
                    messages.success(request, _("Change #{number} rejected.").format(number=change.pk))
            except ValidationError as exc:
                add_service_errors(form, exc)
                change = self.get_change()  # it may have been decided by someone else meanwhile
            else:
                return redirect("members:approvals", chamber=self.chamber.slug)
        return self.render_change(change, form)

    def render_change(self, change, form):
        rows = self_service_diff(change)
        return self.render_to_response(self.get_context_data(
            change=change, rows=rows, form=form, is_pending=change.status == SelfServiceStatus.PENDING,
            any_changed_since=any(row.changed_since for row in rows),
        ))


urlpatterns = [
    path("portal/", PortalView.as_view(), name="portal"),
    path("portal/<int:enterprise_pk>/", PortalEnterpriseView.as_view(), name="portal_enterprise"),
    path("portal/<int:enterprise_pk>/profile/", PortalProfileEditView.as_view(), name="portal_edit_profile"),
    path("portal/<int:enterprise_pk>/contacts/add/", PortalContactAddView.as_view(), name="portal_contact_add"),
    path("portal/<int:enterprise_pk>/contacts/<int:contact_pk>/", PortalContactEditView.as_view(),
         name="portal_contact_edit"),
    path("portal/<int:enterprise_pk>/contacts/<int:contact_pk>/remove/", PortalContactRemoveView.as_view(),
         name="portal_contact_remove"),
    path("portal/<int:enterprise_pk>/figures/", PortalFiguresView.as_view(), name="portal_figures"),
    path("approvals/", ApprovalListView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", ApprovalDetailView.as_view(), name="approval_detail"),
]
