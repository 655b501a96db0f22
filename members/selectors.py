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
    of every chamber before filtering. The condition is shaped so that PostgreSQL's
    indexes answer it (members/migrations/0005_search_trigram.py, docs/benchmarks.md):

    - Chinese characters and digits have no case: such a term is matched with a plain
      LIKE on the column (its trigram index), not UPPER() of every row.
    - USCCs are stored in capitals, pinyin initials in lower case, mobiles as digits; none
      holds a Chinese character, so a Chinese term does not search their tables at all.
      Digits are tested on the chamber's own rows (members 0011 dropped their trigram
      indexes), and a term of digits looks for people by mobile only: no name holds digits.
    - A member number is matched exactly as typed, in capitals or in lower case (the
      chamber's unique index), not with UPPER() of every number.
    """
    term = " ".join((term or "").split())
    if not term:
        return Q()
    text = "contains" if term.upper() == term.lower() else "icontains"
    members = Membership.objects.filter(chamber=chamber).order_by()
    people = Person.objects.filter(chamber=chamber).filter(**{"name__" + text: term})
    name_q = Q(**{"name__" + text: term})
    parts = [members.filter(member_number__in={term, term.upper(), term.lower()})]
    if len(term) >= 3:  # a trigram index finds the names; shorter terms have no trigram
        parts.append(members.filter(name_q))
    if term.isascii():
        compact = term.replace(" ", "")
        enterprises = Enterprise.objects.filter(chamber=chamber).filter(
            Q(uscc__contains=compact.upper()) | Q(name_initials__startswith=compact.lower())
        )
        parts.append(members.filter(enterprise_id__in=enterprises.values("pk")))
        if compact.isdigit():
            people = Person.objects.filter(chamber=chamber, mobile__contains=compact)
    people = people.order_by().values("pk")
    contacts = Contact.objects.filter(chamber=chamber, person__in=people).order_by().values("enterprise_id")
    parts.append(members.filter(enterprise_id__in=contacts))
    if term.isascii() and term.replace(" ", "").isdigit():
        # An individual member's name is on the membership already (name_q finds it); its
        # person is searched only for the mobile, which saves a scan of every person.
        parts.append(members.filter(person_id__in=people))
    # One list of ids from parts that each use their own index; an OR across them made
    # PostgreSQL test every member of the chamber against every condition. A term of one or
    # two characters has no trigram: its names are read from the chamber's (chamber, name,
    # id) index in the page's order instead, which beats fetching each match by id.
    ids = [part.values("pk") for part in parts]
    in_parts = Q(pk__in=ids[0].union(*ids[1:], all=True))
    return in_parts if len(term) >= 3 else name_q | in_parts


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


# --- The member page (members/views/profile.py) ---------------------------------------------

def membership_detail(*, chamber, access, pk, capability=MEMBERS_VIEW):
    """One member within the reader's reach, with holder, rank and branches loaded (2 queries).

    Raises Membership.DoesNotExist for a member of another chamber or outside the reach, so
    the page answers 404 either way.
    """
    membership = (
        membership_visible(chamber=chamber, access=access, capability=capability)
        .select_related("enterprise", "person", "rank")
        .prefetch_related(Prefetch("branches", queryset=Branch.objects.order_by("path"), to_attr="branch_list"))
        .get(pk=pk)
    )
    # The chamber is known: spare the lazy look-ups of `.chamber` by later reads and writes.
    for row in (membership, membership.enterprise, membership.person):
        if row is not None:
            row.chamber = chamber
    return membership


def member_audit_list(*, membership, people=(), limit=50):
    """The latest audit entries of the member's enterprise or person and of the membership
    itself (one query); `people` adds further people, e.g. the individual member's person."""
    from chamber.models import AuditEntry

    targets = Q(target_type="members.membership", target_id=str(membership.pk))
    if membership.enterprise_id:
        targets |= Q(target_type="members.enterprise", target_id=str(membership.enterprise_id))
    person_ids = {str(p.pk) for p in people}
    if membership.person_id:
        person_ids.add(str(membership.person_id))
    if person_ids:
        targets |= Q(target_type="members.person", target_id__in=sorted(person_ids))
    return list(
        AuditEntry.objects.filter(chamber=membership.chamber).filter(targets)
        .select_related("actor").order_by("-created_at", "-pk")[:limit]
    )


def member_page(*, membership, history_limit=200):
    """Everything the member page shows besides the membership itself, in a fixed number of
    queries whatever the number of contacts, posts or changes:

    contacts with their people (1), representative posts (1), honours (1) and consent (1) of those people,
    membership history (1), officer posts (1), annual figures (1, enterprises only) and the
    audit trail (1).
    """
    from .models import Honour, RepresentativePost

    chamber = membership.chamber
    enterprise, holder = membership.enterprise, membership.person
    contacts = list(contact_list(enterprise=enterprise)) if enterprise is not None else []
    people = [c.person for c in contacts] + ([holder] if holder is not None else [])
    person_ids = [p.pk for p in people]
    posts, honours = {}, {}
    for post in RepresentativePost.objects.filter(chamber=chamber, person_id__in=person_ids).order_by("body", "level", "pk"):
        posts.setdefault(post.person_id, []).append(post)
    for honour in Honour.objects.filter(chamber=chamber, person_id__in=person_ids).order_by("-year", "pk"):
        honours.setdefault(honour.person_id, []).append(honour)
    from .privacy import consent_states  # PIPL: each person's consent, one query for all

    consents = consent_states(chamber=chamber, people=people) if people else {}
    for person in people:
        person.post_list = posts.get(person.pk, [])
        person.honour_list = honours.get(person.pk, [])
        person.__dict__["consent_state"] = consents.get(person.pk)  # fills Person.consent_state
    officers = Q(person_id__in=person_ids)
    if enterprise is not None:
        officers |= Q(enterprise=enterprise)
    officer_posts = sorted(
        officer_list(chamber=chamber).filter(officers),
        key=lambda p: (-p.term.ordinal, POST_ORDER.get(p.post, 99), p.person.name, p.pk),
    )
    return {
        "contacts": contacts,
        "history": list(membership_history(membership=membership).order_by("-created_at", "-pk")[:history_limit]),
        "officer_posts": officer_posts,
        "figures": list(annual_figures_list(enterprise=enterprise)) if enterprise is not None else [],
        "audit": member_audit_list(membership=membership, people=[holder] if holder is not None else []),
    }


def person_search_list(*, chamber, access, term, capability=MEMBERS_VIEW, limit=20):
    """People of the chamber (within the reader's reach) whose name, pinyin initials or
    mobile match `term`, for picking an existing person as a contact."""
    term = (term or "").strip()
    if not term:
        return []
    qs = Person.objects.filter(chamber=chamber).filter(
        Q(name__icontains=term) | Q(name_initials__startswith=term.lower()) | Q(mobile__contains=term)
    )
    paths = _reach_paths(access, capability)
    if paths is not None:
        reach = person_list(chamber=chamber, access=access, capability=capability).prefetch_related(None)
        qs = qs.filter(pk__in=reach.values("pk"))
    return list(qs.order_by("name", "pk")[:limit])


def person_memberships(*, person):
    """The members a person belongs to: as the individual member, or as a contact of a
    member enterprise (current memberships first)."""
    return list(
        Membership.objects.filter(chamber=person.chamber)
        .filter(Q(person=person) | Q(enterprise__contacts__person=person))
        .distinct().order_by("status", "name", "pk")
    )


# --- The roster page (members:list) -----------------------------------------------------------

# Sort keys of the roster page and what they sort by; pk always comes last, so that pages
# never overlap or skip rows. Empty values (no join date, no number) sort last either way.
ROSTER_PAGE_ORDERING = {
    "name": "name",
    "joined_on": "joined_on",
    "rank": "rank__order",
    "member_number": "member_number",
}


def membership_roster_filter(*, chamber, access, q="", branch=None, rank=None, status="", kind="",
                             industry="", division="", joined_from=None, joined_to=None, ordering="name"):
    """The members the roster page lists: visible to the reader, filtered, in a total order.

    Only which members and in what order: the page's rows come from
    `membership_roster_rows` (ids first), so the count and the page never join.
    `industry` and `division` are code prefixes, already normalised ('C38', '3205').
    """
    qs = membership_visible(chamber=chamber, access=access)
    if q:
        qs = qs.filter(membership_search_q(q, chamber=chamber))
    if branch is not None:
        qs = membership_filter_in_branch(qs, branch)
    if rank is not None:
        qs = qs.filter(rank=rank)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if industry:
        qs = qs.filter(enterprise__industry_code__startswith=industry)
    if division:
        qs = qs.filter(enterprise__division_code__startswith=division)
    if joined_from:
        qs = qs.filter(joined_on__gte=joined_from)
    if joined_to:
        qs = qs.filter(joined_on__lte=joined_to)
    key = (ordering or "name").lstrip("-")
    from django.db.models import F

    expression = F(ROSTER_PAGE_ORDERING.get(key, "name"))
    descending = (ordering or "").startswith("-")
    return qs.order_by(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True),
                       "-pk" if descending else "pk")


# --- Self-service changes (members/self_service.py, members/views/portal.py) ------------------

def self_service_change_list(*, chamber, status=None, enterprise=None, access=None):
    """Self-service changes, oldest first, with enterprise, people and contact loaded (1 query).

    `status`: one status or several; `access`: limit to the enterprises a branch-limited
    approver may change (members in their subtrees).
    """
    from chamber.access import MEMBERS_CHANGE

    from .models import SelfServiceChange

    qs = SelfServiceChange.objects.filter(chamber=chamber).select_related(
        "enterprise", "requested_by", "decided_by", "contact__person"
    )
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if access is not None and _reach_paths(access, MEMBERS_CHANGE) is not None:
        qs = qs.filter(enterprise__in=enterprise_list(chamber=chamber, access=access, capability=MEMBERS_CHANGE).values("pk"))
    return qs.order_by("requested_at", "pk")


def portal_enterprise_page(*, enterprise, changes_limit=50):
    """What a representative sees of their enterprise, in five queries whatever its size:
    memberships with rank (1) and branches (1), contacts with people (1), annual figures (1)
    and their own latest self-service changes (1)."""
    memberships = list(
        Membership.objects.filter(chamber=enterprise.chamber_id, enterprise=enterprise)
        .select_related("rank")
        .prefetch_related(Prefetch("branches", queryset=Branch.objects.order_by("path"), to_attr="branch_list"))
        .order_by("-pk")
    )
    # The current membership (an enterprise has at most one that is not "left"), else the latest.
    membership = next((m for m in memberships if m.status != "left"), memberships[0] if memberships else None)
    return {
        "membership": membership,
        "contacts": list(contact_list(enterprise=enterprise)),
        "figures": list(annual_figures_list(enterprise=enterprise)),
        "changes": list(self_service_change_list(chamber=enterprise.chamber_id, enterprise=enterprise)
                        .order_by("-requested_at", "-pk")[:changes_limit]),
    }


# --- Officers pages (members/views/officers.py) ------------------------------------------------

CHAIR_POSTS = (Post.PRESIDENT, Post.EXECUTIVE_PRESIDENT, Post.STANDING_VICE_PRESIDENT, Post.VICE_PRESIDENT)


def officer_lineup_by_post(*, term):
    """[(post value, post label, [positions])] in protocol order: one query (officer_lineup)."""
    groups = []
    for position in officer_lineup(term=term):
        if not groups or groups[-1][0] != position.post:
            groups.append((position.post, position.get_post_display(), []))
        groups[-1][2].append(position)
    return groups


def officer_chair_candidates(*, term):
    """The term's presidents and vice presidents: who may hold a rotating chair period."""
    return officer_list(chamber=term.chamber, term=term).filter(post__in=CHAIR_POSTS).order_by("post", "person__name", "pk")


def rotating_chair_list(*, term):
    from .models import RotatingChair

    return RotatingChair.objects.filter(chamber=term.chamber, term=term).select_related(
        "position__person", "position__enterprise").order_by("starts_on", "pk")


def liaison_list(*, term):
    """Liaison assignments of the term's officers, by officer then member name."""
    from .models import Liaison

    return Liaison.objects.filter(chamber=term.chamber, officer__term=term).select_related(
        "officer__person", "officer__enterprise", "membership__enterprise", "membership__person"
    ).order_by("officer__person__name", "officer_id", "membership__name", "pk")
