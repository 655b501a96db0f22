"""Reads of events and registrations: lists with their counts in one query, who may attend,
the member page's and the portal's views of a member's events."""
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from branches.models import Branch
from branches.selectors import branch_subtree_q, membership_in_subtree_q
from chamber.access import EVENTS_MANAGE, EVENTS_VIEW
from members.models import Contact, Membership, MembershipStatus, OfficerPosition

from ..models import (
    Audience,
    Event,
    EventAttachment,
    EventInvitation,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)

LIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def event_visible(*, chamber, access=None, capability=EVENTS_VIEW):
    """The events a reader may see: all of the chamber's, or those their branches organise."""
    qs = Event.objects.filter(chamber=chamber)
    paths = None if access is None else access.branch_paths(capability)
    if paths is not None:
        qs = qs.filter(branch_subtree_q(paths, "organiser_branch__path"))
    return qs


def with_registration_counts(qs):
    """Confirmed, waitlisted and checked-in counts as conditional aggregates of the same query."""
    return qs.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        checked_in_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED,
                                                         registrations__checked_in_at__isnull=False)),
    )


def event_list(*, chamber, access=None, kind="", status="", year=None, month=None, branch=None, q="", counts=True):
    """Events newest first with their organiser and (unless `counts` is False) their counts.

    A list page pages the plain list (`counts=False`, no joins) and loads its rows with
    `event_page_rows`: counting the registrations of every event of the chamber to show 25
    of them cost more than everything else on the page."""
    qs = event_visible(chamber=chamber, access=access)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(starts_at__year=year)
        if month:
            qs = qs.filter(starts_at__month=month)
    if branch is not None:
        qs = qs.filter(organiser_branch__path__startswith=branch.path)
    q = (q or "").strip()
    if q:
        qs = qs.filter(title__icontains=q)
    qs = qs.order_by("-starts_at", "-pk")
    return with_registration_counts(qs.select_related("organiser_branch")) if counts else qs


def event_page_rows(*, chamber_id, ids):
    """The events `ids`, in that order, with organiser and counts: one query."""
    rows = with_registration_counts(Event.objects.filter(chamber_id=chamber_id, pk__in=ids).select_related(
        "organiser_branch"))
    by_pk = {event.pk: event for event in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def event_detail(*, chamber, access, pk):
    """One event the reader may see, with counts; Event.DoesNotExist otherwise."""
    return with_registration_counts(
        event_visible(chamber=chamber, access=access).select_related("organiser_branch", "audience_branch",
                                                                     "created_by")
    ).get(pk=pk)


def registration_list(*, event, status=None):
    """An event's registrations, in order of registration (the waiting list's order)."""
    qs = Registration.objects.filter(chamber_id=event.chamber_id, event=event).select_related(
        "membership", "person", "checked_in_by")
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    return qs.order_by("registered_at", "pk")


def registration_visible(*, chamber, access=None):
    """Registrations of the events a reader may see."""
    qs = Registration.objects.filter(chamber=chamber)
    paths = None if access is None else access.branch_paths(EVENTS_VIEW)
    if paths is not None:
        qs = qs.filter(branch_subtree_q(paths, "event__organiser_branch__path"))
    return qs.select_related("event", "membership", "person")


def attachment_list(*, event):
    return EventAttachment.objects.filter(chamber_id=event.chamber_id, event=event).order_by("uploaded_at", "pk")


def invitation_list(*, event):
    return EventInvitation.objects.filter(chamber_id=event.chamber_id, event=event).select_related(
        "membership").order_by("membership__name", "pk")


def branch_choices(*, chamber, access=None, capability=EVENTS_MANAGE):
    """Branches an events form may offer: all, or those within the user's reach."""
    qs = Branch.objects.filter(chamber=chamber).order_by("path")
    paths = None if access is None else access.branch_paths(capability)
    return qs if paths is None else qs.filter(branch_subtree_q(paths))


# --- Who may attend ---------------------------------------------------------------------------

def officer_person_ids(*, chamber_id, on=None):
    """People holding a post in the chamber's current term today."""
    from members.selectors import term_current

    on = on or timezone.localdate()
    term = term_current(chamber=chamber_id, on=on)
    if term is None:
        return set()
    return set(OfficerPosition.objects.filter(chamber_id=chamber_id, term=term, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)).values_list("person_id", flat=True))


def eligible_memberships(*, event):
    """The members the audience admits (for officers: those with an officer among their people)."""
    qs = Membership.objects.filter(chamber_id=event.chamber_id)
    if event.audience == Audience.ALL_MEMBERS:
        return qs.filter(status=MembershipStatus.ACTIVE)
    if event.audience == Audience.BRANCH:
        return qs.filter(status=MembershipStatus.ACTIVE).filter(membership_in_subtree_q([event.audience_branch.path]))
    if event.audience == Audience.INVITED:
        invited = EventInvitation.objects.filter(chamber_id=event.chamber_id, event=event, membership=OuterRef("pk"))
        return qs.exclude(status=MembershipStatus.LEFT).filter(Exists(invited))
    officers = officer_person_ids(chamber_id=event.chamber_id)
    return qs.exclude(status=MembershipStatus.LEFT).filter(
        Q(person_id__in=officers) | Q(enterprise__contacts__person_id__in=officers)).distinct()


def membership_may_attend(*, event, membership, person=None):
    """Does the audience admit this member (and, for officers only, this very person)?"""
    if event.audience == Audience.OFFICERS:
        return person is not None and person.pk in officer_person_ids(chamber_id=event.chamber_id)
    return eligible_memberships(event=event).filter(pk=membership.pk).exists()


# --- The member page and the portal -----------------------------------------------------------

def member_events_summary(*, membership, limit=20):
    """The member's latest registrations (with their events) and how many it has, attended and upcoming."""
    regs = Registration.objects.filter(chamber_id=membership.chamber_id, membership=membership)
    counts = regs.aggregate(
        total=Count("pk", filter=~Q(status=RegistrationStatus.CANCELLED)),
        attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
        upcoming=Count("pk", filter=Q(status__in=LIVE, event__starts_at__gte=timezone.now())),
    )
    latest = list(regs.select_related("event", "person").order_by("-event__starts_at", "-registered_at", "-pk")[:limit])
    return {"registrations": latest, **counts}


def portal_events(*, membership, user):
    """The representative's view: open events the member may register for, the member's live
    and recent registrations, and the enterprise's contacts to register."""
    open_events = list(
        eligible_events(membership=membership).filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")[:20]
    )
    registrations = list(
        Registration.objects.filter(chamber_id=membership.chamber_id, membership=membership)
        .select_related("event", "person").order_by("-event__starts_at", "-registered_at", "-pk")[:30]
    )
    contacts = []
    if membership.enterprise_id:
        contacts = list(Contact.objects.filter(chamber_id=membership.chamber_id, enterprise_id=membership.enterprise_id)
                        .select_related("person").order_by("-is_primary", "pk"))
    return {"membership": membership, "open_events": open_events, "registrations": registrations,
            "contacts": contacts}


def eligible_events(*, membership):
    """Open events whose audience admits `membership`."""
    chamber_id = membership.chamber_id
    qs = Event.objects.filter(chamber_id=chamber_id, status=EventStatus.OPEN)
    conditions = Q(audience=Audience.OFFICERS)
    if membership.status == MembershipStatus.ACTIVE:
        conditions |= Q(audience=Audience.ALL_MEMBERS)
        paths = list(Branch.objects.filter(chamber_id=chamber_id, membership_links__membership=membership)
                     .values_list("path", flat=True))
        for path in paths:
            # The member's node is within the audience branch's subtree when the audience path is its prefix.
            parts = path.split("/")[:-1]
            prefixes = ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
            conditions |= Q(audience=Audience.BRANCH, audience_branch__path__in=prefixes)
    if membership.status != MembershipStatus.LEFT:
        invited = EventInvitation.objects.filter(chamber_id=chamber_id, event=OuterRef("pk"), membership=membership)
        conditions |= Q(audience=Audience.INVITED) & Q(Exists(invited))
    if not membership.enterprise_id or not _has_officer(membership):
        conditions &= ~Q(audience=Audience.OFFICERS)
    return qs.filter(conditions)


def _has_officer(membership):
    officers = officer_person_ids(chamber_id=membership.chamber_id)
    return bool(officers) and Contact.objects.filter(chamber_id=membership.chamber_id,
                                                     enterprise_id=membership.enterprise_id,
                                                     person_id__in=officers).exists()


def calendar_events_for_chamber(*, chamber, access):
    """A chamber's events for its calendar feed: what the reader may see, no drafts."""
    return event_visible(chamber=chamber, access=access).exclude(status=EventStatus.DRAFT).order_by("starts_at", "pk")


def query_int(value):
    """A whole number from a query string, or None."""
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def event_list_filters(get, branches):
    """The events list's filters from its query string (the page and its export read them alike)."""
    year, month = query_int(get.get("year")), query_int(get.get("month"))
    year = year if year and 1900 < year < 3000 else None
    month = month if month and 1 <= month <= 12 else None
    branch_id = str(get.get("branch") or "")
    branch = next((b for b in branches if str(b.pk) == branch_id), None) if branch_id.isdigit() else None
    kind = get.get("kind") if get.get("kind") in EventKind.values else ""
    status = get.get("status") if get.get("status") in EventStatus.values else ""
    return {"kind": kind, "status": status, "year": year, "month": month, "branch": branch,
            "q": str(get.get("q") or "")[:100]}
