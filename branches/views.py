"""The branch tree page and its actions: create, edit, move and archive a node.

Reads go through branches.selectors, writes through branches.services. A user whose
BRANCHES_CHANGE is limited to a subtree acts only inside it: the node they act on must be
within reach (else 403), and the parents offered to them are only those within reach.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from chamber.access import BRANCHES_CHANGE, BRANCHES_VIEW
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from .forms import BranchArchiveForm, BranchCreateForm, BranchDetailsForm, BranchMoveForm
from .models import Branch, BranchStatus
from .selectors import (
    branch_descendant_list,
    branch_member_counts_own_and_total,
    branch_tree,
    branch_visible_list,
)
from .services import branch_archive, branch_create, branch_move, branch_update




class BranchTreeView(ChamberViewMixin, TemplateView):
    """The whole tree as a nested list, with active member counts per node.

    Three queries whatever the size of the tree: the nodes (with parent and leader), the
    (member, node path) pairs for the counts, and nothing per node.
    """

    permission = BRANCHES_VIEW
    template_name = "branches/tree.html"

    def get_context_data(self, **kwargs):
        show_archived = self.request.GET.get("archived") == "1"
        nodes = list(branch_visible_list(chamber=self.chamber, access=self.access, capability=BRANCHES_VIEW,
                                         include_archived=show_archived))
        own, total = branch_member_counts_own_and_total(chamber=self.chamber)
        for node in nodes:
            node.own_count = own.get(node.pk, 0)
            node.total_count = total.get(node.pk, 0)
            node.can_change = self.access.covers(BRANCHES_CHANGE, node)
            node.is_archived = node.status == BranchStatus.ARCHIVED
        return super().get_context_data(
            tree=branch_tree(branches=nodes),
            show_archived=show_archived,
            can_create=self.access.has(BRANCHES_CHANGE),
            members_url=reverse("members:list", kwargs={"chamber": self.chamber.slug}),
            **kwargs,
        )


class BranchActionMixin(ChamberViewMixin):
    """Shared by the write pages: the node from the URL, within the user's reach."""

    permission = BRANCHES_CHANGE
    write_permission = BRANCHES_CHANGE

    def get_branch(self):
        branch = get_object_or_404(Branch.objects.filter(chamber=self.chamber).select_related("parent"),
                                   pk=self.kwargs["pk"])
        if not self.access.covers(BRANCHES_CHANGE, branch):
            raise PermissionDenied
        return branch

    def tree_url(self):
        return reverse("branches:tree", kwargs={"chamber": self.chamber.slug})

    def form_invalid_after_service(self, form, error):
        add_service_errors(form, error)
        return self.form_invalid(form)


class NodeActionMixin(BranchActionMixin):
    """For the pages about one node: load it (after the capability checks) before the form."""

    def get(self, request, *args, **kwargs):
        self.branch = self.get_branch()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.branch = self.get_branch()
        return super().post(request, *args, **kwargs)


class BranchCreateView(BranchActionMixin, FormView):
    """Add a node, under the parent named in `?parent=` by default."""

    template_name = "branches/form.html"
    form_class = BranchCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chamber": self.chamber, "access": self.access}

    def get_initial(self):
        return {"parent": self.request.GET.get("parent") or None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New branch"), submit_label=_("Create"), **kwargs)

    def form_valid(self, form):
        try:
            branch = branch_create(chamber=self.chamber, actor=self.request.user, parent=form.cleaned_data["parent"],
                                   **form.service_kwargs())
        except ValidationError as error:
            return self.form_invalid_after_service(form, error)
        messages.success(self.request, _("Branch “{name}” created.").format(name=branch.name))
        return redirect(self.tree_url())


class BranchEditView(NodeActionMixin, FormView):
    """Rename or edit a node (its place in the tree changes through Move)."""

    template_name = "branches/form.html"
    form_class = BranchDetailsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chamber": self.chamber, "access": self.access}

    def get_initial(self):
        b = self.branch
        return {"name": b.name, "kind": b.kind, "code": b.code, "leader": b.leader_id, "founded_on": b.founded_on}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit branch “{name}”").format(name=self.branch.name),
                                        submit_label=_("Save"), branch=self.branch, **kwargs)

    def form_valid(self, form):
        try:
            branch_update(branch=self.branch, actor=self.request.user, **form.service_kwargs())
        except ValidationError as error:
            return self.form_invalid_after_service(form, error)
        messages.success(self.request, _("Branch “{name}” saved.").format(name=self.branch.name))
        return redirect(self.tree_url())


class BranchMoveView(NodeActionMixin, FormView):
    """Put a node and its whole subtree under another parent."""

    template_name = "branches/move.html"
    form_class = BranchMoveForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chamber": self.chamber, "access": self.access, "branch": self.branch}

    def get_initial(self):
        return {"parent": self.branch.parent_id}

    def get_context_data(self, **kwargs):
        return super().get_context_data(branch=self.branch, **kwargs)

    def form_valid(self, form):
        try:
            branch_move(branch=self.branch, actor=self.request.user, new_parent=form.cleaned_data["parent"],
                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            return self.form_invalid_after_service(form, error)
        messages.success(self.request, _("Branch “{name}” moved.").format(name=self.branch.name))
        return redirect(self.tree_url())


class BranchArchiveView(NodeActionMixin, FormView):
    """The confirm step, then the archive of a node and everything below it."""

    template_name = "branches/archive.html"
    form_class = BranchArchiveForm

    def get_context_data(self, **kwargs):
        below = branch_descendant_list(branch=self.branch)
        return super().get_context_data(branch=self.branch, below=list(below), **kwargs)

    def form_valid(self, form):
        if self.branch.status == BranchStatus.ARCHIVED:
            form.add_error(None, _("This branch is already archived."))
            return self.form_invalid(form)
        try:
            branch_archive(branch=self.branch, actor=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            return self.form_invalid_after_service(form, error)
        messages.success(self.request, _("Branch “{name}” archived.").format(name=self.branch.name))
        return redirect(self.tree_url())
