"""The member page, and creating and editing members, people and contacts.

Every page reads through members.selectors (limited to the reader's branch reach: a
member outside it is 404, like one of another chamber) and writes through
members.services, which record who changed what for the history and audit sections.
Pages made of several forms (enterprise, membership, contact) hand all parts to one
service call in one transaction; its errors come back keyed "<part>.<field>" and are put
under their fields, with what the user typed kept.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.access import EVENTS_VIEW, MEMBERS_CHANGE, MEMBERS_VIEW, MONEY_VIEW, PERSONAL_DATA, REQUESTS_VIEW
from chamber.api.serializers import visible_id_number, visible_mobile
from chamber.audit import audit_personal_data_view
from chamber.audit_selectors import action_label, field_label, value_text
from chamber.mixins import ChamberViewMixin, safe_next_url
from members.forms.profile import (
    LIVE_FIELDS,
    ContactAddForm,
    EnterpriseForm,
    MembershipCreateForm,
    MembershipEditForm,
    NewContactForm,
    NewPersonForm,
    PersonForm,
    live_validation,
)
from members.models import AnnualFigures, Contact, Enterprise, Membership, MembershipKind, Person
from members.selectors import (
    member_page,
    membership_detail,
    person_list,
    person_memberships,
    person_search_list,
)
from charity.selectors import member_donation_summary
from events.selectors.events import member_events_summary
from events.selectors.requests import member_requests_summary
from members.dues.selectors import member_dues_summary
from members.services import contact_add, contact_remove, member_edit, member_register, person_create, person_update

SEARCH_LIMIT = 20
AUDIT_MODELS = {"members.enterprise": Enterprise, "members.person": Person, "members.membership": Membership}


def can_change_member(access, membership):
    """Edit buttons show only to users who may change this very member."""
    return access.has(MEMBERS_CHANGE) and access.covers_any(MEMBERS_CHANGE, membership.branch_list)


def _audit_field(model, name):
    """A changed field's label (the audit log's own), also for the annual figures and
    contacts recorded on an enterprise's entries."""
    for candidate in (model, AnnualFigures, Contact):
        label = field_label(candidate, name)
        if label != name:
            return label
    return name


def _audit_value(name, value, shown):
    """As on the audit log, with mobiles and ID numbers shown as this reader sees them."""
    if value not in (None, "") and name in ("mobile", "id_number") and "*" not in str(value):
        return (visible_mobile if name == "mobile" else visible_id_number)(str(value), shown)
    return value_text(value)


def audit_rows(entries, shown):
    """Audit entries as (entry, action label, [(field label, before, after)]) for the page;
    personal numbers are masked as everywhere else."""
    rows = []
    for entry in entries:
        model = AUDIT_MODELS.get(entry.target_type)
        changes = [
            (_audit_field(model, name), _audit_value(name, pair[0], shown), _audit_value(name, pair[1], shown))
            for name, pair in (entry.changes or {}).items() if isinstance(pair, (list, tuple)) and len(pair) == 2
        ]
        rows.append({"entry": entry, "action": action_label(entry.action), "changes": changes})
    return rows


def put_errors(forms_by_part, exc):
    """Put a service's ValidationError under the fields it names ("<part>.<field>"); what
    names no field of the page goes to the top of the first form."""
    first = next(iter(forms_by_part.values()))
    if not hasattr(exc, "error_dict"):
        first.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        part, _dot, field = key.rpartition(".")
        form = forms_by_part.get(part)
        if form is not None and field in form.fields:
            form.add_error(field, errors)
        else:
            (form or first).add_error(None, errors)


class MemberMixin(ChamberViewMixin):
    """Resolves the membership named by `pk` within the reader's reach (else 404)."""

    permission = MEMBERS_VIEW
    write_permission = MEMBERS_CHANGE

    def get_membership(self, capability=MEMBERS_VIEW):
        try:
            return membership_detail(chamber=self.chamber, access=self.access, pk=self.kwargs["pk"],
                                     capability=capability)
        except Membership.DoesNotExist:
            raise Http404 from None

    def detail_url(self, membership):
        return reverse("members:detail", kwargs={"chamber": self.chamber.slug, "pk": membership.pk})

    def validate_url(self):
        return reverse("members:validate", kwargs={"chamber": self.chamber.slug})


class MemberDetailView(MemberMixin, TemplateView):
    """Everything about one member on one page: profile, membership, contacts, history,
    audit trail, officer posts, annual figures, and placeholders for later modules."""

    template_name = "members/detail.html"

    def get_context_data(self, **kwargs):
        membership = self.get_membership()
        sections = member_page(membership=membership)
        shown = {"access": self.access}
        people = [c.person for c in sections["contacts"]] + ([membership.person] if membership.person_id else [])
        for person in people:
            person.shown_mobile = visible_mobile(person.mobile, shown)
            person.shown_id_number = visible_id_number(person.id_number, shown)
        if self.access.has(PERSONAL_DATA):  # the ID numbers are shown in full: log who saw whose (one insert)
            audit_personal_data_view(chamber=self.chamber, actor=self.request.user, people=people,
                                     where=self.request.path)
        if self.access.has(EVENTS_VIEW):
            sections.update(events_summary=member_events_summary(membership=membership), events_visible=True)
        if self.access.has(REQUESTS_VIEW):
            sections.update(requests_summary=member_requests_summary(membership=membership), requests_visible=True)
        if self.access.has(MONEY_VIEW):
            # Money sections only for those who may see money (not a branch secretary).
            sections.update(dues=member_dues_summary(membership=membership),
                            donations=member_donation_summary(membership=membership), money_visible=True)
        return super().get_context_data(
            membership=membership, enterprise=membership.enterprise, person=membership.person,
            branches=membership.branch_list, audit=audit_rows(sections.pop("audit"), shown),
            can_change=can_change_member(self.access, membership),
            personal_data=self.access.has(PERSONAL_DATA), **sections, **kwargs,
        )


class MemberCreateView(MemberMixin, View):
    """One form that admits a member: the enterprise (or the individual's person), the
    membership and an optional primary contact, saved together or not at all."""

    permission = MEMBERS_CHANGE
    template_name = "members/member_form.html"

    def kind(self):
        kind = self.request.POST.get("kind") or self.request.GET.get("kind")
        return kind if kind in MembershipKind.values else MembershipKind.ENTERPRISE

    def build_forms(self, data=None):
        kind, url = self.kind(), self.validate_url()
        common = {"data": data, "chamber": self.chamber}
        if kind == MembershipKind.INDIVIDUAL:
            parts = {"person": PersonForm(prefix="person", access=self.access, **common)}
        else:
            parts = {"enterprise": EnterpriseForm(prefix="enterprise", **common),
                     "contact": NewContactForm(prefix="contact", access=self.access, **common)}
        parts["membership"] = MembershipCreateForm(prefix="membership", access=self.access, **common)
        for form in parts.values():
            live_validation(form, url)
        return parts

    def render_page(self, parts):
        return render(self.request, self.template_name, {
            "parts": parts, "kind": self.kind(), "kinds": MembershipKind.choices, "creating": True,
        })

    def get(self, request, *args, **kwargs):
        return self.render_page(self.build_forms())

    def post(self, request, *args, **kwargs):
        parts = self.build_forms(request.POST)
        if all([form.is_valid() for form in parts.values()]):
            get = lambda part: parts[part].service_fields() if part in parts else None  # noqa: E731
            try:
                membership = member_register(
                    chamber=self.chamber, actor=request.user, access=self.access, kind=self.kind(),
                    enterprise=get("enterprise"), person=get("person"), contact=get("contact"),
                    membership=get("membership"),
                )
            except ValidationError as exc:
                put_errors(parts, exc)
            except PermissionDenied as exc:
                parts["membership"].add_error(None, str(exc))
            else:
                messages.success(request, _("Member {name} created.").format(name=membership.name))
                return HttpResponseRedirect(self.detail_url(membership))
        return self.render_page(parts)


class MemberEditView(MemberMixin, View):
    """Edit the profile and the membership; rank, status and branch changes go through
    their own services, with a reason, into the member's history."""

    permission = MEMBERS_CHANGE
    template_name = "members/member_form.html"

    def build_forms(self, membership, data=None):
        url, common = self.validate_url(), {"data": data, "chamber": self.chamber}
        parts = {}
        if membership.enterprise_id:
            parts["enterprise"] = live_validation(
                EnterpriseForm(prefix="enterprise", instance=membership.enterprise, **common), url,
                exclude_pk=membership.enterprise_id)
        else:
            parts["person"] = live_validation(
                PersonForm(prefix="person", instance=membership.person, access=self.access, **common), url,
                exclude_pk=membership.person_id)
        parts["membership"] = MembershipEditForm(prefix="membership", access=self.access, membership=membership,
                                                 **common)
        return parts

    def render_page(self, membership, parts):
        return render(self.request, self.template_name, {
            "parts": parts, "membership": membership, "kind": membership.kind, "creating": False,
        })

    def get(self, request, *args, **kwargs):
        membership = self.get_membership(MEMBERS_CHANGE)
        if membership.person_id and self.access.has(PERSONAL_DATA):  # the form holds the ID number in full
            audit_personal_data_view(chamber=self.chamber, actor=request.user, people=membership.person,
                                     where=request.path)
        return self.render_page(membership, self.build_forms(membership))

    def post(self, request, *args, **kwargs):
        membership = self.get_membership(MEMBERS_CHANGE)
        parts = self.build_forms(membership, request.POST)
        if all([form.is_valid() for form in parts.values()]):
            try:
                member_edit(
                    membership=membership, actor=request.user, access=self.access,
                    enterprise=parts["enterprise"].service_fields() if "enterprise" in parts else None,
                    person=parts["person"].service_fields() if "person" in parts else None,
                    **parts["membership"].service_fields(),
                )
            except ValidationError as exc:
                put_errors(parts, exc)
            except PermissionDenied as exc:
                parts["membership"].add_error(None, str(exc))
            else:
                messages.success(request, _("Changes saved."))
                return HttpResponseRedirect(self.detail_url(membership))
        return self.render_page(membership, parts)


class PersonCreateView(MemberMixin, View):
    """Register a person (a future contact or officer); returns to `next` if given."""

    permission = MEMBERS_CHANGE
    template_name = "members/person_form.html"

    def form(self, data=None):
        return live_validation(PersonForm(data=data, prefix="person", chamber=self.chamber, access=self.access),
                               self.validate_url())

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": self.form(), "next": safe_next_url(request, "")})

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                person = person_create(chamber=self.chamber, actor=request.user, **form.service_fields())
            except ValidationError as exc:
                put_errors({"": form}, exc)
            else:
                messages.success(request, _("{name} registered.").format(name=person.name))
                default = reverse("members:person_edit", kwargs={"chamber": self.chamber.slug, "pk": person.pk})
                reach = person_list(chamber=self.chamber, access=self.access, capability=MEMBERS_CHANGE)
                if not reach.prefetch_related(None).filter(pk=person.pk).exists():
                    # A branch secretary reaches people through their members' contacts only.
                    default = request.path
                return HttpResponseRedirect(safe_next_url(request, default))
        return render(request, self.template_name, {"form": form, "next": safe_next_url(request, "")})


class PersonEditView(MemberMixin, View):
    """Edit a person within the user's reach; lists the members the person belongs to."""

    permission = MEMBERS_CHANGE
    template_name = "members/person_form.html"

    def get_person(self):
        people = person_list(chamber=self.chamber, access=self.access, capability=MEMBERS_CHANGE)
        try:
            return people.prefetch_related(None).get(pk=self.kwargs["pk"])
        except Person.DoesNotExist:
            raise Http404 from None

    def form(self, person, data=None):
        form = PersonForm(data=data, prefix="person", instance=person, chamber=self.chamber, access=self.access)
        return live_validation(form, self.validate_url(), exclude_pk=person.pk)

    def render_page(self, person, form):
        return render(self.request, self.template_name, {
            "form": form, "person": person, "memberships": person_memberships(person=person),
            "next": safe_next_url(self.request, ""),
        })

    def get(self, request, *args, **kwargs):
        person = self.get_person()
        if self.access.has(PERSONAL_DATA):  # the form holds the ID number in full
            audit_personal_data_view(chamber=self.chamber, actor=request.user, people=person, where=request.path)
        return self.render_page(person, self.form(person))

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        form = self.form(person, request.POST)
        if form.is_valid():
            try:
                person_update(person=person, actor=request.user, **form.service_fields())
            except ValidationError as exc:
                put_errors({"": form}, exc)
            else:
                messages.success(request, _("Changes saved."))
                default = reverse("members:person_edit", kwargs={"chamber": self.chamber.slug, "pk": person.pk})
                return HttpResponseRedirect(safe_next_url(request, default))
            person.refresh_from_db()  # the service may have changed it before failing
        return self.render_page(person, form)


class ContactAddView(MemberMixin, View):
    """Add a contact to a member enterprise: an existing person found by search (htmx
    updates the results as the user types; without JS the search button reloads the
    page), or a new person entered here."""

    permission = MEMBERS_CHANGE
    template_name = "members/contact_form.html"

    def get_membership(self, capability=MEMBERS_CHANGE):
        membership = super().get_membership(capability)
        if membership.enterprise_id is None:
            raise Http404  # an individual member has no contacts
        return membership

    def build(self, data=None):
        term = (data or self.request.GET).get("q", "")
        found = person_search_list(chamber=self.chamber, access=self.access, term=term,
                                   capability=MEMBERS_CHANGE, limit=SEARCH_LIMIT)
        chosen = (data or {}).get("person")
        if chosen and chosen.isdigit() and int(chosen) not in {p.pk for p in found}:
            # Keep the picked person on the page when the form comes back with an error.
            reach = person_list(chamber=self.chamber, access=self.access, capability=MEMBERS_CHANGE)
            found += list(reach.prefetch_related(None).filter(pk=int(chosen)))
        form = ContactAddForm(data=data, chamber=self.chamber, access=self.access, found=found)
        new = live_validation(NewPersonForm(data=data, prefix="new", chamber=self.chamber, access=self.access),
                              self.validate_url())
        return term, found, form, new

    def render_page(self, membership, term, found, form, new):
        context = {"membership": membership, "q": term, "found": found, "form": form, "new": new,
                   "search_limit": SEARCH_LIMIT}
        if self.request.htmx and self.request.method == "GET":
            return render(self.request, "members/_form_person_results.html", context)
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        membership = self.get_membership()
        return self.render_page(membership, *self.build())

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        term, found, form, new = self.build(request.POST)
        if form.is_valid() and new.is_valid():
            person, new_person = form.cleaned_data["person"], new.service_fields()
            if person is None and new_person is None:
                form.add_error("person", _("Choose a person found by the search, or enter a new person below."))
            elif person is not None and new_person is not None:
                form.add_error("person", _("Choose a person or enter a new one, not both."))
            else:
                try:
                    with transaction.atomic():
                        if person is None:
                            try:
                                person = person_create(chamber=self.chamber, actor=request.user, **new_person)
                            except ValidationError as exc:
                                put_errors({"new": new}, exc)
                                raise
                        contact_add(enterprise=membership.enterprise, person=person, actor=request.user,
                                    title=form.cleaned_data["title"], is_primary=form.cleaned_data["is_primary"])
                except ValidationError as exc:
                    if not new.errors:
                        put_errors({"": form}, exc)
                else:
                    messages.success(request, _("{name} is now a contact.").format(name=person.name))
                    return HttpResponseRedirect(self.detail_url(membership) + "#section-contacts")
        return self.render_page(membership, term, found, form, new)


class ContactRemoveView(MemberMixin, View):
    """Remove a contact (the person stays registered); POST only, back to the member page."""

    permission = MEMBERS_CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = self.get_membership(MEMBERS_CHANGE)
        try:
            contact = Contact.objects.select_related("person", "enterprise").get(
                chamber=self.chamber, enterprise_id=membership.enterprise_id, pk=self.kwargs["contact"])
        except Contact.DoesNotExist:
            raise Http404 from None
        contact_remove(contact=contact, actor=request.user)
        messages.success(request, _("{name} is no longer a contact.").format(name=contact.person.name))
        return HttpResponseRedirect(self.detail_url(membership) + "#section-contacts")


class ValidateFieldView(MemberMixin, View):
    """Inline validation: re-render one identifier field (USCC, ID number, mobile, industry
    or division code) of a member or person form with its error, as the user leaves it."""

    permission = MEMBERS_CHANGE
    http_method_names = ["post"]
    FORMS = {"enterprise": EnterpriseForm, "person": PersonForm, "contact": NewContactForm, "new": NewPersonForm}

    def post(self, request, *args, **kwargs):
        prefix, _dash, name = request.POST.get("_field", "").partition("-")
        form_class = self.FORMS.get(prefix)
        if form_class is None:
            return HttpResponse(status=400)
        kwargs = {"data": request.POST, "prefix": prefix, "chamber": self.chamber}
        if form_class is not EnterpriseForm:
            kwargs["access"] = self.access
        form = form_class(**kwargs)
        exclude = request.POST.get("_exclude", "")
        form.exclude_pk = int(exclude) if exclude.isdigit() else None
        if name not in form.fields or name not in LIVE_FIELDS:
            return HttpResponse(status=204)
        form.is_valid()
        live_validation(form, self.validate_url(), exclude_pk=form.exclude_pk)
        return HttpResponse(form[name].as_field_group())


urlpatterns = [
    path("new/", MemberCreateView.as_view(), name="create"),
    path("validate/", ValidateFieldView.as_view(), name="validate"),
    path("people/new/", PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/edit/", PersonEditView.as_view(), name="person_edit"),
    path("<int:pk>/", MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", MemberEditView.as_view(), name="edit"),
    path("<int:pk>/contacts/add/", ContactAddView.as_view(), name="contact_add"),
    path("<int:pk>/contacts/<int:contact>/remove/", ContactRemoveView.as_view(), name="contact_remove"),
]
