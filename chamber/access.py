"""Roles map to capabilities; a capability holds at the node a role was granted and below.

`Access` is worked out once per request (one query) and answers three questions:
may the user do X anywhere in this chamber (`has`), is X limited to some branches
(`branch_paths`), and may the user do X at this node (`covers`).
"""
from dataclasses import dataclass, field

from .models import ChamberKind, RoleKind

# Capabilities: "<area>.<verb>". Keep this list the single source of truth.
MEMBERS_VIEW = "members.view"
MEMBERS_CHANGE = "members.change"
PERSONAL_DATA = "members.personal_data"
BRANCHES_VIEW = "branches.view"
BRANCHES_CHANGE = "branches.change"
OFFICERS_VIEW = "officers.view"
OFFICERS_CHANGE = "officers.change"
CHAMBER_ADMIN = "chamber.admin"
# Evaluations: see campaigns, ratings and results; set up schemes and campaigns; decide
# grades (the federation's admins only); score assigned submissions (which ones is a
# guardian grant per submission); apply and self-assess as a subject.
EVALUATIONS_VIEW = "evaluations.view"
EVALUATIONS_MANAGE = "evaluations.manage"
EVALUATIONS_DECIDE = "evaluations.decide"
EVALUATIONS_REVIEW = "evaluations.review"
EVALUATIONS_APPLY = "evaluations.apply"
SELF_SERVICE = "members.self_service"
# Money: see dues and donations; record them (payments, receipts, waivers, reversals,
# invoices, fee schedules) — the treasurer's capability, apart from general secretariat
# rights; set up charity programmes and their recipients (no money moves there).
MONEY_VIEW = "money.view"
MONEY_RECORD = "money.record"
CHARITY_MANAGE = "charity.manage"
# Events: see them and their registrations; plan them, register, check in, record outcomes
# and meetings (a branch secretary: events their subtree organises). Requests and visits:
# see them; record, assign and handle them (a branch secretary: their subtree's members).
EVENTS_VIEW = "events.view"
EVENTS_MANAGE = "events.manage"
REQUESTS_VIEW = "requests.view"
REQUESTS_MANAGE = "requests.manage"
# A federation's staff see the chambers it supervises: aggregate figures only, no rosters.
FEDERATION_VIEW = "federation.view"
# Reminders: see the chamber's deliveries and failures, set lead times and the sending hour.
# One capability for both: the delivery list shows who was told what, which only those who
# run the reminders need (read-only staff have no use for it).
REMINDERS_MANAGE = "reminders.manage"
# Certificates: issue (rating awards, membership certificates, appointment letters), revoke,
# set the chamber's certificate templates, render batches.
CERTIFICATES_MANAGE = "certificates.manage"
# The annual report: enter its inputs and work records, render it; at a federation, render
# the reports of the chambers it supervises. Reading the report needs the whole chamber's
# MEMBERS_VIEW (it counts every member).
REPORTS_MANAGE = "reports.manage"
# The audit log (who changed what, who read personal data, who exported): chamber admins only,
# since it names every reader and every change across the chamber.
AUDIT_VIEW = "audit.view"

_READ = {MEMBERS_VIEW, BRANCHES_VIEW, OFFICERS_VIEW}
_WRITE = {MEMBERS_CHANGE, BRANCHES_CHANGE, OFFICERS_CHANGE}
_SERVICE = {EVENTS_VIEW, EVENTS_MANAGE, REQUESTS_VIEW, REQUESTS_MANAGE}

ROLE_CAPABILITIES = {
    RoleKind.CHAMBER_ADMIN: _READ | _WRITE | {
        PERSONAL_DATA, CHAMBER_ADMIN, FEDERATION_VIEW,
        EVALUATIONS_VIEW, EVALUATIONS_MANAGE, EVALUATIONS_DECIDE, EVALUATIONS_REVIEW, EVALUATIONS_APPLY,
        MONEY_VIEW, MONEY_RECORD, CHARITY_MANAGE, REMINDERS_MANAGE, CERTIFICATES_MANAGE, REPORTS_MANAGE, *_SERVICE,
        AUDIT_VIEW,
    },
    RoleKind.SECRETARIAT: _READ | _WRITE | {
        PERSONAL_DATA, FEDERATION_VIEW, EVALUATIONS_VIEW, EVALUATIONS_MANAGE, EVALUATIONS_APPLY,
        MONEY_VIEW, CHARITY_MANAGE, REMINDERS_MANAGE, CERTIFICATES_MANAGE, REPORTS_MANAGE, *_SERVICE,
    },
    RoleKind.SECRETARIAT_READONLY: _READ | {FEDERATION_VIEW, EVALUATIONS_VIEW, MONEY_VIEW, EVENTS_VIEW, REQUESTS_VIEW},
    # The treasurer (财务) records money and reads the roster to find who paid; no roster edits.
    RoleKind.TREASURER: _READ | {MONEY_VIEW, MONEY_RECORD, CHARITY_MANAGE},
    # A branch secretary fills in the self-assessment of their own sub-chamber.
    RoleKind.BRANCH_SECRETARY: _READ | {MEMBERS_CHANGE, EVALUATIONS_APPLY} | _SERVICE,
    RoleKind.REVIEWER: {EVALUATIONS_REVIEW, FEDERATION_VIEW},
    RoleKind.MEMBER_REPRESENTATIVE: {SELF_SERVICE},
    RoleKind.API_CLIENT: set(_READ),
}

# What a chamber's read-only API key may do: read the roster, nothing else.
API_KEY_CAPABILITIES = frozenset(_READ)


@dataclass
class Access:
    """What one user (or API key) may do in one chamber, and where in its tree."""

    chamber: object
    # capability -> branch paths where it holds; None in the list means the whole chamber.
    grants: dict = field(default_factory=dict)
    roles: tuple = ()
    api_key: object = None

    @property
    def is_insider(self):
        return bool(self.grants)

    def has(self, capability):
        return capability in self.grants

    def branch_paths(self, capability):
        """None when the capability holds chamber-wide, else the granted subtree paths."""
        paths = self.grants.get(capability, [])
        if None in paths:
            return None
        return list(paths)

    def covers(self, capability, branch):
        """May the user exercise `capability` at `branch` (None: the chamber root)?"""
        paths = self.branch_paths(capability)
        if paths is None:
            return self.has(capability)
        return branch is not None and any(branch.path.startswith(p) for p in paths)

    def covers_any(self, capability, branches):
        """For members in several branches: at least one branch is within the user's reach."""
        paths = self.branch_paths(capability)
        if paths is None:
            return self.has(capability)
        return any(b.path.startswith(p) for b in branches for p in paths)


def access_for_user(chamber, user):
    """Resolve a user's capabilities in `chamber` with one query."""
    from .models import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return Access(chamber=chamber)
    roles = tuple(
        Role.objects.filter(chamber=chamber, user=user).select_related("branch").order_by("pk")
    )
    grants = {}
    # Only a federation supervises other chambers; elsewhere the capability means nothing.
    is_federation = chamber.kind == ChamberKind.FEDERATION
    for role in roles:
        path = role.branch.path if role.branch_id else None
        for capability in ROLE_CAPABILITIES.get(role.kind, ()):
            if capability == FEDERATION_VIEW and not is_federation:
                continue
            grants.setdefault(capability, []).append(path)
    return Access(chamber=chamber, grants=grants, roles=roles)


def access_for_api_key(chamber, api_key):
    if api_key.chamber_id != chamber.pk or not api_key.is_active:
        return Access(chamber=chamber)
    return Access(
        chamber=chamber, grants={c: [None] for c in API_KEY_CAPABILITIES}, api_key=api_key
    )
