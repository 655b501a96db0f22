"""The chamber menu, declared once: each entry names the capability that opens its page.

The menu shows only what the user may open (issue: "menus hide what they cannot open"),
and the page checks the same capability (`ChamberViewMixin.permission`), so the two
cannot drift apart as long as both name the constant from `chamber.access`.
"""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import (
    AUDIT_VIEW,
    BRANCHES_VIEW,
    CERTIFICATES_MANAGE,
    EVALUATIONS_APPLY,
    EVALUATIONS_MANAGE,
    EVALUATIONS_REVIEW,
    EVALUATIONS_VIEW,
    EVENTS_VIEW,
    FEDERATION_VIEW,
    MEMBERS_CHANGE,
    MEMBERS_VIEW,
    MONEY_RECORD,
    MONEY_VIEW,
    OFFICERS_CHANGE,
    OFFICERS_VIEW,
    REMINDERS_MANAGE,
    REQUESTS_VIEW,
    SELF_SERVICE,
)


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    capability: object  # a capability, or a tuple of them: any one opens the page
    icon: str
    whole_chamber: bool = False  # the capability must hold at the chamber root, not a branch

    def opens_for(self, access):
        capabilities = self.capability if isinstance(self.capability, tuple) else (self.capability,)
        if self.whole_chamber:
            return any(access.covers(capability, None) for capability in capabilities)
        return any(access.has(capability) for capability in capabilities)


MENU = (
    MenuEntry(_("Dashboard"), "chamber:dashboard", MEMBERS_VIEW, "speedometer2"),
    MenuEntry(_("Members"), "members:list", MEMBERS_VIEW, "people"),
    MenuEntry(_("Branches"), "branches:tree", BRANCHES_VIEW, "diagram-3"),
    MenuEntry(_("Officers"), "members:officers", OFFICERS_VIEW, "person-badge"),
    MenuEntry(_("Approvals"), "members:approvals", MEMBERS_CHANGE, "check2-square"),
    MenuEntry(_("Events"), "events:list", EVENTS_VIEW, "calendar-event"),
    MenuEntry(_("Member requests"), "events:requests", REQUESTS_VIEW, "chat-square-text"),
    MenuEntry(_("Event outcomes"), "events:outcome_summary", EVENTS_VIEW, "graph-up"),
    MenuEntry(_("Dues"), "members:dues", MONEY_VIEW, "cash-coin"),
    MenuEntry(_("Charity"), "charity:programmes", MONEY_VIEW, "heart"),
    MenuEntry(_("Affiliated chambers"), "chamber:affiliates", FEDERATION_VIEW, "building"),
    MenuEntry(_("Evaluation campaigns"), "evaluations:campaigns", EVALUATIONS_VIEW, "award"),
    MenuEntry(_("Ratings register"), "evaluations:ratings", EVALUATIONS_VIEW, "stars"),
    MenuEntry(_("Rubrics"), "evaluations:schemes", EVALUATIONS_MANAGE, "list-check"),
    MenuEntry(_("Reminders"), "reminders:deliveries", REMINDERS_MANAGE, "bell"),
    # The import kinds' capabilities (chamber.interchange.importing.importable_kinds).
    MenuEntry(_("Imports"), "imports:list", (MEMBERS_CHANGE, OFFICERS_CHANGE, MONEY_RECORD), "upload",
              whole_chamber=True),
    MenuEntry(_("Exports"), "exports:log", MEMBERS_VIEW, "download"),
    MenuEntry(_("Certificates"), "certificates:list", MEMBERS_VIEW, "patch-check", whole_chamber=True),
    MenuEntry(_("Print batches"), "document_batches:list", CERTIFICATES_MANAGE, "printer",
              whole_chamber=True),
    MenuEntry(_("Annual report"), "annual:index", MEMBERS_VIEW, "journal-richtext", whole_chamber=True),
    MenuEntry(_("Work records"), "annual:records", MEMBERS_VIEW, "journal-text", whole_chamber=True),
    # audit trail (issue 10): chamber admins at the chamber root.
    MenuEntry(_("Audit log"), "chamber:audit", AUDIT_VIEW, "journal-check", whole_chamber=True),
    MenuEntry(_("My reviews"), "evaluations:reviews", EVALUATIONS_REVIEW, "clipboard-check"),
    MenuEntry(_("Our evaluations"), "evaluations:mine", EVALUATIONS_APPLY, "trophy"),
    MenuEntry(_("My enterprise"), "members:portal", SELF_SERVICE, "briefcase"),
)


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    icon: str
    active: bool


def menu_for(request):
    """The entries of `MENU` this request's user may open in its chamber, with their URLs."""
    chamber = getattr(request, "chamber", None)
    if chamber is None or not request.user.is_authenticated:
        return []
    access = request.access
    links = []
    for entry in MENU:
        if not entry.opens_for(access):
            continue
        links.append((entry, reverse(entry.url_name, kwargs={"chamber": chamber.slug})))
    # The entry whose URL is the longest prefix of this page is the active one: the
    # campaigns page /evaluations/ is a prefix of /evaluations/schemes/ (Rubrics) too.
    current = max((url for _entry, url in links if request.path.startswith(url)), key=len, default=None)
    return [MenuLink(entry.label, url, entry.icon, url == current) for entry, url in links]


def landing_url(request):
    """Where /c/<chamber>/ leads: the user's first menu entry (representatives: their portal)."""
    links = menu_for(request)
    return links[0].url if links else None
