"""Reads of the roster. Every list is filtered by chamber and by the reader's branch reach,
with its related rows fetched up front so a page costs a fixed number of queries."""
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from branches.selectors import branch_subtree_q, membership_in_subtree_q
from branches.models import Branch
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


def membership_visible(*, chamber, access=None, capability=MEMBERS_VIEW):
    """The members a reader may see: the chamber's, limited to their branch subtrees."""
    qs = Membership.objects.filter(chamber=chamber)
    if access is not None:
        paths = access.branch_paths(capability)
        if paths is not None:
            qs = qs.filter(membership_in_subtree_q(paths))
    return qs


def membership_list(*, chamber, access=None, capability=MEMBERS_VIEW):
    """Members with enterprise, person, rank, branches and contacts loaded (3 queries per page).

    Branches and contacts land in plain lists (`membership.branch_list`,
    `enterprise.contact_list`): a prefetch into a related manager builds one scoped
    queryset per row, which cost more than the rest of a roster page together.
    """
    return membership_visible(chamber=chamber, access=access, capability=capability).select_related(
        "enterprise", "person", "rank"
    ).prefetch_related(
        Prefetch("branches", queryset=Branch.objects.order_by("path"), to_attr="branch_list"),
        Prefetch("enterprise__contacts", queryset=Contact.objects.select_related("person").order_by("-is_primary", "pk"),
                 to_attr="contact_list"),
    )


# The values a roster document is made of (see members.api.serializers.roster_document).
ROSTER_COLUMNS = (
    "id", "kind", "status", "member_number", "joined_on", "left_on", "created_at", "updated_at",
    "rank_id", "rank__code", "rank__name", "rank__order",
    "enterprise_id", "enterprise__name", "enterprise__uscc", "enterprise__legal_representative",
    "enterprise__industry_code", "enterprise__division_code", "enterprise__address",
    "person_id", "person__name", "person__mobile",
)


def membership_roster_rows(*, chamber, ids):
    """The members `ids` as plain rows, in that order: three queries and no model instances.

    A roster page is read far more often than anything else (other systems poll it), and
    instantiating ~600 models for a page of 100 costs more than its SQL. (Folding branches
    and contacts into the main query as JSON aggregates was tried: PostgreSQL's JSON output
    made it slower than three plain queries.)
    """
    members = Membership.objects.filter(chamber=chamber, pk__in=ids)
    rows = {row["id"]: row for row in members.values(*ROSTER_COLUMNS)}
    branches = {}
    links = MembershipBranch.objects.filter(chamber=chamber, membership_id__in=ids).order_by("branch__path")
    for membership_id, *branch in links.values_list("membership_id", "branch_id", "branch__name"):
        branches.setdefault(membership_id, []).append(branch)
    contacts = {}
    enterprise_ids = [row["enterprise_id"] for row in rows.values() if row["enterprise_id"]]
    people = Contact.objects.filter(chamber=chamber, enterprise_id__in=enterprise_ids).order_by("-is_primary", "pk")
    for enterprise_id, *contact in people.values_list(
        "enterprise_id", "person_id", "person__name", "title", "is_primary", "person__mobile"
    ):
        contacts.setdefault(enterprise_id, []).append(contact)
    result = []
    for pk in ids:
        row = rows.get(pk)
        if row is not None:
            row["branches"] = branches.get(pk, [])
            row["contacts"] = contacts.get(row["enterprise_id"], [])
            result.append(row)
    return result


def membership_as_roster_row(membership):
    """The same row for a membership already loaded by `membership_list` (detail, writes)."""
    e, p, r = membership.enterprise, membership.person, membership.rank
    row = {name: getattr(membership, name) for name in ROSTER_COLUMNS[:8]}
    row.update({
        "rank_id": r.pk, "rank__code": r.code, "rank__name": r.name, "rank__order": r.order,
        "enterprise_id": membership.enterprise_id, "person_id": membership.person_id,
        "person__name": p.name if p else None, "person__mobile": p.mobile if p else None,
        "branches": [[b.pk, b.name] for b in membership_branches(membership)],
        "contacts": [] if e is None else [
            [c.person_id, c.person.name, c.title, c.is_primary, c.person.mobile] for c in enterprise_contacts(e)
        ],
    })
    for column in ("name", "uscc", "legal_representative", "industry_code", "division_code", "address"):
        row["enterprise__" + column] = getattr(e, column) if e else None
    return row


def membership_branches(membership):
    """The member's branches, from the selector's prefetched list when there is one."""
    branches = getattr(membership, "branch_list", None)
    return branches if branches is not None else list(membership.branches.order_by("path"))


def enterprise_contacts(enterprise):
    """The enterprise's contacts, primary first, from the prefetched list when there is one."""
    contacts = getattr(enterprise, "contact_list", None)
    if contacts is not None:
        return contacts
    return list(enterprise.contacts.select_related("person").order_by("-is_primary", "pk"))


def membership_search_q(term, *, chamber):
    """Name, USCC, pinyin initials, member number, contact name or mobile contain `term`.

    Each table is searched on its own within the chamber and the matching ids are OR-ed:
    one condition spanning joined tables made PostgreSQL join every enterprise and person
    of every chamber before filtering.
    """
    term = (term or "").strip()
    if not term:
        return Q()
    enterprises = Enterprise.objects.filter(chamber=chamber).filter(
        Q(uscc__icontains=term) | Q(name_initials__startswith=term.lower())
    ).values("pk")
    people = Person.objects.filter(chamber=chamber).filter(Q(name__icontains=term) | Q(mobile__contains=term)).values("pk")
    contact_enterprises = Contact.objects.filter(chamber=chamber, person__in=people).values("enterprise_id")
    return (
        Q(name__icontains=term)
        | Q(member_number__iexact=term)
        | Q(enterprise_id__in=enterprises)
        | Q(person_id__in=people)
        | Q(enterprise_id__in=contact_enterprises)
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
