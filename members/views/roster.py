"""The member list (roster page): search as you type, filters, sort, pages, bulk changes.

A page costs a fixed number of queries whatever its size: the page is cut from the
members' ids alone and its rows are loaded by `membership_roster_rows` (three queries, no
model instances), as the roster API does; branch and rank choices are loaded once and
shared by the filters and the bulk form.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from branches.selectors import branch_visible_list
from chamber.access import MEMBERS_CHANGE, MEMBERS_VIEW
from chamber.api.pagination import IdsFirstPaginator, SearchPaginator
from chamber.api.serializers import show_mobiles
from chamber.mixins import ChamberViewMixin
from chamber.validators import mask_mobile
from members.forms.roster import RosterBulkForm, RosterFilterForm, choice_options
from members.models import MembershipKind, MembershipStatus
from members.selectors import (
    membership_roster_filter,
    membership_roster_rows,
    membership_visible,
    rank_list,
)
from members.services import membership_bulk_change

# The table's columns; those with a key sort by it (members.selectors.ROSTER_PAGE_ORDERING).
SORT_COLUMNS = (
    ("member_number", gettext_lazy("Member number")),
    ("name", gettext_lazy("Name")),
    (None, gettext_lazy("Kind")),
    ("rank", gettext_lazy("Rank")),
    (None, gettext_lazy("Status")),
    (None, gettext_lazy("Branches")),
    (None, gettext_lazy("Primary contact")),
    ("joined_on", gettext_lazy("Joined on")),
)


class RosterView(ChamberViewMixin, TemplateView):
    """The member list: GET shows it (an htmx request gets the results partial only)."""

    permission = MEMBERS_VIEW
    write_permission = MEMBERS_CHANGE
    template_name = "members/list.html"
    partial_template_name = "members/_list_results.html"

    def choices(self):
        """Branches within the reader's reach and the chamber's ranks (two queries, once)."""
        if not hasattr(self, "_choices"):
            branches = list(branch_visible_list(chamber=self.chamber, access=self.access, capability=MEMBERS_VIEW))
            ranks = list(rank_list(chamber=self.chamber))
            self._choices = branches, ranks
        return self._choices

    def get_template_names(self):
        # A search-as-you-type or filter request swaps the results only; a boosted or
        # history-restore request needs the whole page.
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return [self.partial_template_name]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(query=request.GET))

    def get_context_data(self, query, bulk_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        branches, ranks = self.choices()
        form = RosterFilterForm(query, branches=branches, ranks=ranks)
        form.is_valid()
        members = membership_roster_filter(chamber=self.chamber, access=self.access, **form.filters())
        paginator_class = SearchPaginator if form.filters()["q"] else IdsFirstPaginator
        paginator = paginator_class(members, form.per_page,
                                    load_page=lambda ids: membership_roster_rows(chamber=self.chamber, ids=ids))
        page = paginator.get_page(query.get("page"))
        may_change = self.access.has(MEMBERS_CHANGE)
        # Search as you type redraws the results alone: the filter and bulk panels (whose
        # choices cost more than the rows) are built only for the whole page.
        whole_page = self.get_template_names() == [self.template_name]
        if may_change and bulk_form is None and whole_page:
            bulk_form = RosterBulkForm(members=membership_visible(chamber=self.chamber), branches=self.bulk_branches(),
                                       ranks=ranks, auto_id="bulk_%s")
        context.update({
            "form": form,
            "page_obj": page,
            "rows": [self.present(row) for row in page.object_list],
            "count": paginator.count,
            "may_change": may_change,
            "bulk_form": bulk_form,
            "ticked": {str(pk) for pk in (bulk_form["members"].value() or [])} if bulk_form is not None and bulk_form.is_bound else set(),
            "back": query.urlencode(),
            "list_url": reverse("members:list", kwargs={"chamber": self.chamber.slug}),
            "ordering": form.filters()["ordering"],
            "filtering": form.filtering,
            "sort_columns": SORT_COLUMNS,
            # Choice fields are written out by hand (see choice_options), the others by Django.
            "filter_fields": [(bf, choice_options(bf) if hasattr(bf.field, "choices") else None)
                              for bf in form if bf.name != "q"] if whole_page else [],
            "bulk_options": {name: choice_options(bulk_form[name]) for name in ("action", "branches", "rank", "status")}
            if bulk_form is not None else {},
        })
        ticked = context["ticked"]
        for row in context["rows"]:
            row["ticked"] = str(row["id"]) in ticked
        return context

    def bulk_branches(self):
        """Active branches the writer may move members into."""
        paths = self.access.branch_paths(MEMBERS_CHANGE)
        branches, _ranks = self.choices()
        return [b for b in branches if b.status != "archived" and (paths is None or any(b.path.startswith(p) for p in paths))]

    def present(self, row):
        """One row of `membership_roster_rows` as the table shows it."""
        if not hasattr(self, "_plan"):
            self._plan = {
                "kinds": dict(MembershipKind.choices),
                "statuses": dict(MembershipStatus.choices),
                # One rule for the list, the member page and the API (show_mobiles).
                "mobile": (lambda value: value) if show_mobiles(self.access) else mask_mobile,
                "detail": _detail_url_maker(self.chamber.slug),
                "tick": _("Tick {name}"),
            }
        plan = self._plan
        if row["enterprise_id"]:
            name = row["enterprise__name"]
            contact = row["contacts"][0] if row["contacts"] else None
            contact_name, contact_mobile = (contact[1], contact[4]) if contact else ("", "")
        else:
            name, contact_name, contact_mobile = row["person__name"], row["person__name"], row["person__mobile"]
        return {
            "id": row["id"],
            "name": name,
            "url": plan["detail"](row["id"]),
            "member_number": row["member_number"],
            "kind": row["kind"],
            "kind_label": plan["kinds"].get(row["kind"], row["kind"]),
            "status": row["status"],
            "status_label": plan["statuses"].get(row["status"], row["status"]),
            "rank": row["rank__name"],
            "branches": "、".join(name for _pk, name in row["branches"]) or "—",
            "contact_name": contact_name,
            "contact_mobile": plan["mobile"](contact_mobile) if contact_mobile else "",
            "joined_on": row["joined_on"].isoformat() if row["joined_on"] else "—",
            "tick_label": plan["tick"].format(name=name),
        }


def _detail_url_maker(slug):
    """pk -> the member page's URL.

    Reversed once with a marker pk and filled in per row: `reverse` for each of 100 rows
    cost a few milliseconds a page.
    """
    marker = 987654321
    pattern = reverse("members:detail", kwargs={"chamber": slug, "pk": marker})
    head, _marker, tail = pattern.partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


class RosterBulkView(RosterView):
    """POST: apply one change to the ticked members in one transaction, then back to the list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        branches, ranks = self.choices()
        reachable = membership_visible(chamber=self.chamber, access=self.access, capability=MEMBERS_CHANGE)
        form = RosterBulkForm(request.POST, members=reachable, branches=self.bulk_branches(), ranks=ranks,
                              auto_id="bulk_%s")
        back = QueryDict(request.POST.get("back", ""))
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = membership_bulk_change(
                    chamber=self.chamber, actor=request.user, access=self.access, memberships=list(data["members"]),
                    action=data["action"], value=data["value"], reason=data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, ngettext("%(count)d member changed.", "%(count)d members changed.",
                                                   changed) % {"count": changed})
                url = reverse("members:list", kwargs={"chamber": self.chamber.slug})
                return redirect(f"{url}?{back.urlencode()}" if back else url)
        # Back to the list as it was, the ticks and the typed reason kept, the errors shown.
        # The sort and page links are built from request.GET (the `query` tag): the list's.
        request.GET = back
        return self.render_to_response(self.get_context_data(query=back, bulk_form=form))

    def get_template_names(self):
        return [self.template_name]


urlpatterns = [
    path("", RosterView.as_view(), name="list"),
    path("bulk/", RosterBulkView.as_view(), name="bulk"),
]
