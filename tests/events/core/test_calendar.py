"""Calendar feeds: parsed with icalendar; drafts absent, cancelled ones marked; an unknown
token or an outsider's token is a 404; the "mine" feed follows the user's person and grants."""
import pytest
from django_scopes import scope
from icalendar import Calendar

from events.models import CalendarToken
from events.services.events import calendar_token_renew
from members.models import Person

from .conftest import make_event, register

pytestmark = pytest.mark.django_db


def token_of(user):
    return CalendarToken.objects.get_or_create(user=user)[0].token


def feed(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_chamber_feed(client, chamber, admin_user, outsider, branch_secretary, branches):
    open_event = make_event(chamber, admin_user, title="开放活动")
    make_event(chamber, admin_user, title="草稿活动", status="draft")
    make_event(chamber, admin_user, title="取消活动", status="cancelled")
    make_event(chamber, admin_user, title="分会活动", organiser_branch=branches["cable"])
    cal = feed(client, "/calendar/{}/c/{}.ics".format(token_of(admin_user), chamber.slug))
    items = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(items) == {"开放活动", "取消活动", "分会活动"}
    assert str(items["取消活动"]["status"]) == "CANCELLED"
    assert str(items["开放活动"]["uid"]).startswith("event-{}-{}@".format(chamber.slug, open_event.pk))
    assert items["开放活动"]["dtstart"].dt.utcoffset().total_seconds() == 8 * 3600
    branch_cal = feed(client, "/calendar/{}/c/{}.ics".format(token_of(branch_secretary), chamber.slug))
    assert [str(e["summary"]) for e in branch_cal.walk("VEVENT")] == ["分会活动"]
    assert client.get("/calendar/{}/c/{}.ics".format(token_of(outsider), chamber.slug)).status_code == 404
    assert client.get("/calendar/nope/c/{}.ics".format(chamber.slug)).status_code == 404


def test_mine_feed_and_renewal(client, chamber, admin_user, member, people, representative, make_user):
    event = make_event(chamber, admin_user, title="我的活动")
    other = make_event(chamber, admin_user, title="别人的活动")
    user = make_user("wang1")
    with scope(chamber=chamber):
        Person.objects.filter(pk=people[0].pk).update(user=user)
    register(chamber, event, admin_user, membership=member, person=people[0])
    register(chamber, other, admin_user, attendee_name="外人")
    mine = feed(client, "/calendar/{}/mine.ics".format(token_of(user)))
    assert [str(e["summary"]) for e in mine.walk("VEVENT")] == ["我的活动"]
    # A representative sees their enterprise's registrations.
    rep = feed(client, "/calendar/{}/mine.ics".format(token_of(representative)))
    assert [str(e["summary"]) for e in rep.walk("VEVENT")] == ["我的活动"]
    old = token_of(user)
    calendar_token_renew(user=user)
    assert client.get("/calendar/{}/mine.ics".format(old)).status_code == 404


def test_calendar_page(client, chamber, admin_user, representative, outsider):
    client.force_login(admin_user)
    page = client.get("/c/{}/events/calendar/".format(chamber.slug))
    assert page.status_code == 200 and token_of(admin_user) in page.content.decode()
    old = token_of(admin_user)
    assert client.post("/c/{}/events/calendar/".format(chamber.slug)).status_code == 302
    assert token_of(admin_user) != old
    client.force_login(representative)
    assert client.get("/c/{}/events/calendar/".format(chamber.slug)).status_code == 200
    client.force_login(outsider)
    assert client.get("/c/{}/events/calendar/".format(chamber.slug)).status_code == 404
