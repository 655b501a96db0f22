"""Reads of the roster. Every list is filtered by chamber and by the reader's branch reach,
with its related rows fetched up front so a page costs a fixed number of queries."""
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from branches.selectors import branch_subtree_q, membership_in_subtree_q
from chamber.access import MEMBERS_VIEW

from .models import (
    POST_ORDER,
    AnnualFigures,
    Contact,
    Enterprise,
    EnterpriseUserObjectPermission,
    Membership,
    MembershipBranch,
    MembershipChange,
    OfficerPosition,
    Person,
    Post,
    Rank,
    Term,
)


def membership_list(*, chamber, access=None, capability=MEMBERS_VIEW):
    """Members with enterprise, person, rank, branches and contacts loaded (4 queries per page)."""
    qs = (
        Membership.objects.filter(chamber=chamber)
        .select_related("enterprise", "person", "rank")
        .prefetch_related(
            "branches",
            Prefetch("enterprise__contacts", queryset=Contact.objects.select_related("person").order_by("-is_primary", "pk")),
        )
    )
    if access is not None:
        paths = access.branch_paths(capability)
        if paths is not None:
            qs = qs.filter(membership_in_subtree_q(paths))
    return qs


def membership_search_q(term):
    """Name, USCC, pinyin initials, member number, contact name or mobile contain `term`."""
    term = (term or "").strip()
    if not term:
        return Q()
    contacts = Contact.objects.filter(
        Q(person__name__icontains=term) | Q(person__mobile__contains=term)
    ).values("enterprise_id")
    return (
        Q(enterprise__name__icontains=term)
        | Q(enterprise__uscc__icontains=term)
        | Q(enterprise__name_initials__startswith=term.lower())
        | Q(person__name__icontains=term)
        | Q(person__mobile__contains=term)
        | Q(member_number__iexact=term)
        | Q(enterprise_id__in=contacts)
    )


def membership_filter_in_branch(qs, branch):
    """Members in `branch` or anywhere below it."""
    return qs.filter(membership_in_subtree_q([branch.path]))


def membership_history(*, membership):
    return MembershipChange.objects.filter(chamber=membership.chamber, membership=membership).select_related("actor")


def _reach_paths(access, capability):
    """None: no branch limit; else the subtree paths the reader's roles were granted at."""
    return None if access is None else access.branch_paths(capability)


def enterprise_list(*, chamber, access=None, capability=MEMBERS_VIEW):
    """Enterprises; a branch-limited reader sees those with a membership in their subtrees."""
    qs = Enterprise.objects.filter(chamber=chamber)
    paths = _reach_paths(access, capability)
    if paths is not None:
        in_reach = MembershipBranch.objects.filter(chamber=chamber, membership__enterprise=OuterRef("pk"))
        qs = qs.filter(Exists(in_reach.filter(branch_subtree_q(paths, "branch__path"))))
    return qs


def enterprise_self_service_list(*, chamber, user):
    """The enterprises `user` represents (guardian's direct-FK grant on each one)."""
    granted = EnterpriseUserObjectPermission.objects.filter(
        user=user, permission__codename="change_enterprise", permission__content_type__app_label="members"
    ).values("content_object_id")
    return Enterprise.objects.filter(chamber=chamber, pk__in=granted)


def contact_list(*, enterprise):
    return (
        Contact.objects.filter(chamber=enterprise.chamber, enterprise=enterprise)
        .select_related("person")
        .order_by("-is_primary", "pk")
    )


def person_list(*, chamber, access=None, capability=MEMBERS_VIEW):
    """People with posts and honours; a branch-limited reader sees the individual members and
    the contacts of member enterprises within their subtrees."""
    qs = Person.objects.filter(chamber=chamber).prefetch_related("representative_posts", "honours")
    paths = _reach_paths(access, capability)
    if paths is not None:
        links = MembershipBranch.objects.filter(chamber=chamber).filter(branch_subtree_q(paths, "branch__path"))
        qs = qs.filter(
            Exists(links.filter(membership__person=OuterRef("pk")))
            | Exists(links.filter(membership__enterprise__contacts__person=OuterRef("pk")))
        )
    return qs


def rank_list(*, chamber):
    return Rank.objects.filter(chamber=chamber).order_by("order", "pk")


def term_list(*, chamber):
    return Term.objects.filter(chamber=chamber).order_by("-ordinal", "pk")


def annual_figures_list(*, enterprise):
    return AnnualFigures.objects.filter(chamber=enterprise.chamber, enterprise=enterprise).order_by("-year")


def term_current(*, chamber, on=None):
    """The term in force on `on` (today), else the latest one."""
    from django.utils import timezone

    on = on or timezone.localdate()
    terms = Term.objects.filter(chamber=chamber)
    return terms.filter(starts_on__lte=on, ends_on__gte=on).order_by("-ordinal").first() or terms.order_by("-ordinal").first()


def officer_list(*, chamber, term=None):
    qs = OfficerPosition.objects.filter(chamber=chamber).select_related("term", "person", "enterprise", "branch")
    if term is not None:
        qs = qs.filter(term=term)
    return qs


def officer_lineup(*, term):
    """The term's posts in protocol order (president first)."""
    positions = list(officer_list(chamber=term.chamber, term=term))
    return sorted(positions, key=lambda p: (POST_ORDER.get(p.post, 99), p.person.name, p.pk))


# Posts that sit on the council and, of those, on the standing council. A chamber charter
# usually caps the standing council at one third of the council.
STANDING_COUNCIL_POSTS = {
    Post.PRESIDENT, Post.EXECUTIVE_PRESIDENT, Post.STANDING_VICE_PRESIDENT, Post.VICE_PRESIDENT,
    Post.SECRETARY_GENERAL, Post.STANDING_COUNCIL_MEMBER,
}
COUNCIL_POSTS = STANDING_COUNCIL_POSTS | {Post.COUNCIL_MEMBER}


def term_charter_warnings(*, term):
    """Charter rules this line-up breaks. They warn; they never block (the assembly decides)."""
    warnings = []
    positions = list(OfficerPosition.objects.filter(chamber=term.chamber, term=term).select_related("person"))
    council = {p.person_id for p in positions if p.post in COUNCIL_POSTS}
    standing = {p.person_id for p in positions if p.post in STANDING_COUNCIL_POSTS}
    if council and len(standing) * 3 > len(council):
        warnings.append(_("The standing council (%(standing)d) is larger than a third of the council (%(council)d).")
                        % {"standing": len(standing), "council": len(council)})
    presidents = {p.person_id: p.person for p in positions if p.post == Post.PRESIDENT}
    if presidents:
        earlier = Term.objects.filter(chamber=term.chamber, ordinal__in=[term.ordinal - 1, term.ordinal - 2])
        held = OfficerPosition.objects.filter(chamber=term.chamber, term__in=earlier, post=Post.PRESIDENT,
                                              person_id__in=presidents).values_list("person_id", "term__ordinal")
        terms_held = {}
        for person_id, ordinal in held:
            terms_held.setdefault(person_id, set()).add(ordinal)
        for person_id, ordinals in terms_held.items():
            if ordinals == {term.ordinal - 1, term.ordinal - 2}:
                warnings.append(_("%(name)s would be president for a third consecutive term.")
                                % {"name": presidents[person_id].name})
    return warnings
