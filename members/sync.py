"""Reads for roster sync clients: the change feed behind
GET /api/v1/chambers/<chamber>/members/changes/ (members/api/sync.py).

Two streams, each read in (time, id) order from an index that leads with the chamber:

- changes: memberships by (updated_at, id). A member who leaves keeps its row (status
  "left"); a change on a related row the roster shows (enterprise, person, contacts,
  branches) moves the membership's updated_at (members/services.py);
- removals: `MembershipRemoval` notes by (removed_at, id), for memberships deleted outright.

The cursor is opaque to clients: base64url JSON of both streams' positions and, while a
client pages through one run of requests, the run's floor. A write's `updated_at` is taken
before its transaction commits, so a row may become visible with a time behind a cursor
already handed out. Therefore the final page of a run (`has_more` false) never hands out a
position past its floor: now − ROSTER_SYNC_SETTLE_SECONDS when the run began. The next run
reads again everything after the floor, and a row whose transaction committed within the
settle window is not missed. Clients upsert by id; a change may arrive more than once.
"""
import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.access import MEMBERS_VIEW

from .models import MembershipRemoval
from .selectors import membership_roster_rows, membership_visible

FEED_DEFAULT_LIMIT = 100
FEED_MAX_LIMIT = 500
CURSOR_VERSION = 1


@dataclass(frozen=True)
class Position:
    """A place in one stream: after the row (at, id). `at` None: before everything."""

    at: datetime.datetime | None
    id: int = 0

    def sort_key(self):
        return (self.at is not None, self.at or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc), self.id)

    def after_q(self, field):
        if self.at is None:
            return Q()
        return Q(**{field + "__gt": self.at}) | Q(**{field: self.at, "id__gt": self.id})

    def dump(self):
        return [None if self.at is None else self.at.astimezone(datetime.timezone.utc).isoformat(), self.id]


def _earlier(a, b):
    return a if a.sort_key() <= b.sort_key() else b


@dataclass(frozen=True)
class Cursor:
    changes: Position
    removals: Position
    floor: datetime.datetime | None = None  # set while a run of pages is under way

    def encode(self):
        data = {"v": CURSOR_VERSION, "m": self.changes.dump(), "r": self.removals.dump()}
        if self.floor is not None:
            data["f"] = self.floor.astimezone(datetime.timezone.utc).isoformat()
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor():
    return ValidationError({"cursor": [_("This cursor is not valid. Use the next_cursor of an earlier response "
                                         "exactly as it came, or leave it out to sync from the beginning.")]})


def _parse_time(value, *, optional):
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad_cursor()
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise _bad_cursor() from None
    if moment.tzinfo is None:
        raise _bad_cursor()
    return moment


def _parse_position(value):
    if not (isinstance(value, list) and len(value) == 2 and type(value[1]) is int and value[1] >= 0):
        raise _bad_cursor()
    return Position(_parse_time(value[0], optional=True), value[1])


def cursor_decode(text):
    """The client's cursor, or a ValidationError keyed `cursor` (the API answers 400)."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeError):
        raise _bad_cursor() from None
    if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION or not {"m", "r"} <= set(data):
        raise _bad_cursor()
    floor = _parse_time(data["f"], optional=False) if "f" in data else None
    return Cursor(_parse_position(data["m"]), _parse_position(data["r"]), floor)


def feed_limit(value):
    """The page size asked for: default 100, at most 500; anything but a positive integer is a 400."""
    if value in (None, ""):
        return FEED_DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if limit < 1:
        raise ValidationError({"limit": [_("The limit must be a whole number from 1 to {max}.").format(max=FEED_MAX_LIMIT)]})
    return min(limit, FEED_MAX_LIMIT)


def _removals_in_reach(qs, paths):
    """A branch-limited reader sees the removals of members that were in their subtrees."""
    if paths is None:
        return qs
    reach = Q(pk__in=[])
    for path in paths:
        reach |= Q(branch_paths__contains=" " + path)
    return qs.filter(reach)


def roster_changes(*, chamber, access, cursor=None, limit=FEED_DEFAULT_LIMIT):
    """One page of the feed: {"rows": roster rows, "removed": removal values, "next_cursor": Cursor,
    "has_more": bool}. Five queries whatever the limit: the changed ids, three for their roster
    rows (members.selectors.membership_roster_rows), and the removals."""
    # Whole minutes: the same request within a minute gets the same cursor, so the same
    # response, and If-None-Match can answer 304 (a floor a little earlier is only safer).
    floor = (timezone.now() - datetime.timedelta(seconds=settings.ROSTER_SYNC_SETTLE_SECONDS)).replace(second=0, microsecond=0)
    if cursor is None:
        # A first sync: every member, and only the removals from now on (minus the settle
        # window) -- a client without a copy has nothing older to drop.
        cursor = Cursor(Position(None), Position(floor), floor)
    elif cursor.floor is None:
        cursor = Cursor(cursor.changes, cursor.removals, floor)  # a new run begins
    floor = cursor.floor

    changed = list(
        membership_visible(chamber=chamber, access=access, capability=MEMBERS_VIEW)
        .filter(cursor.changes.after_q("updated_at"))
        .order_by("updated_at", "pk").values_list("pk", "updated_at")[: limit + 1]
    )
    removals = MembershipRemoval.objects.filter(chamber=chamber).filter(cursor.removals.after_q("removed_at"))
    removed = list(
        _removals_in_reach(removals, access.branch_paths(MEMBERS_VIEW) if access is not None else None)
        .order_by("removed_at", "pk").values("pk", "membership_id", "member_number", "name", "removed_at")[: limit + 1]
    )
    has_more = len(changed) > limit or len(removed) > limit
    changed, removed = changed[:limit], removed[:limit]
    changes_at = Position(changed[-1][1], changed[-1][0]) if changed else cursor.changes
    removals_at = Position(removed[-1]["removed_at"], removed[-1]["pk"]) if removed else cursor.removals
    if has_more:
        next_cursor = Cursor(changes_at, removals_at, floor)
    else:
        # The run ends: never past its floor, so a late commit is read again next time.
        bound = Position(floor, 0)
        next_cursor = Cursor(_earlier(changes_at, bound), _earlier(removals_at, bound))
    rows = membership_roster_rows(chamber=chamber, ids=[pk for pk, _at in changed]) if changed else []
    return {"rows": rows, "removed": removed, "next_cursor": next_cursor, "has_more": has_more}
