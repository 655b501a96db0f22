"""Event pages: roles and isolation, the list's query count, register / cancel / check-in /
walk-in through the pages, entry pass and QR code, exports, attachments, the portal."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope
from openpyxl import load_workbook

from events.exports import ATTENDANCE_HEADERS
from events.models import Registration

from .conftest import make_event, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def url(event_or_chamber, suffix=""):
    if hasattr(event_or_chamber, "title"):
        return "/c/{}/events/{}/{}".format(event_or_chamber.chamber.slug, event_or_chamber.pk, suffix)
    return "/c/{}/events/{}".format(event_or_chamber.slug, suffix)


def test_list_roles_and_isolation(client_as, chamber, event, admin_user, staff_readonly, treasurer, representative,
                                  outsider, branch_secretary):
    page = client_as(admin_user).get(url(chamber))
    assert page.status_code == 200 and event.title in page.content.decode()
    assert client_as(staff_readonly).get(url(chamber)).status_code == 200
    assert client_as(treasurer).get(url(chamber)).status_code == 403
    assert client_as(representative).get(url(chamber)).status_code == 403
    assert client_as(outsider).get(url(chamber)).status_code == 404
    # The branch secretary does not see the chamber's own events.
    mine = client_as(branch_secretary).get(url(chamber)).content.decode()
    assert event.title not in mine
    assert client_as(branch_secretary).get(url(event)).status_code == 404
    assert client_as(outsider).get(url(event)).status_code == 404


def test_list_query_count_is_fixed(client_as, chamber, admin_user, member, people, django_assert_num_queries):
    for n in range(30):
        event = make_event(chamber, admin_user, title="活动{}".format(n))
        register(chamber, event, admin_user, membership=member, person=people[n % 4])
    client = client_as(admin_user)
    client.get(url(chamber))  # warm the session
    # session, chamber, user, roles (access); events: count, page ids, page rows with their
    # counts; the layout's chamber switcher (2); branches for the filter.
    with django_assert_num_queries(11):
        page = client.get(url(chamber))
    assert page.status_code == 200 and page.content.decode().count("data-event=") == 25


def test_create_edit_and_status_pages(client_as, chamber, admin_user, staff_readonly, branches):
    data = {"title": "投资促进洽谈会", "kind": "investment_promotion", "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-01T12:00", "audience": "all_members", "capacity": "50"}
    assert client_as(staff_readonly).post(url(chamber, "new/"), data).status_code == 403
    response = client_as(admin_user).post(url(chamber, "new/"), dict(data, ends_at="2031-04-30T09:00"))
    assert response.status_code == 200 and "ends_at" in response.context["form"].errors
    response = client_as(admin_user).post(url(chamber, "new/"), data)
    assert response.status_code == 302
    with scope(chamber=chamber):
        from events.models import Event
        event = Event.objects.get(title="投资促进洽谈会")
    event.chamber = chamber
    assert client_as(admin_user).get(url(event, "edit/")).status_code == 200
    assert client_as(admin_user).post(url(event, "status/"), {"status": "open"}).status_code == 302
    response = client_as(admin_user).post(url(event, "status/"), {"status": "cancelled"})
    assert response.status_code == 200  # the reason is missing
    assert client_as(staff_readonly).post(url(event, "status/"), {"status": "closed"}).status_code == 403
    detail = client_as(admin_user).get(url(event))
    assert detail.status_code == 200 and "登记" in detail.content.decode() or detail.status_code == 200


def test_register_cancel_and_waitlist_through_pages(client_as, chamber, event, admin_user, member, people,
                                                     staff_readonly):
    client = client_as(admin_user)
    page = client.get(url(event) + "?member={}".format(member.pk))
    assert people[0].name in page.content.decode()
    for person in people[:3]:
        assert client.post(url(event, "register/"), {"membership": member.pk, "person": person.pk}).status_code == 302
    assert client_as(staff_readonly).post(url(event, "register/"), {"attendee_name": "访客"}).status_code == 403
    with scope(chamber=chamber):
        regs = list(Registration.objects.filter(event=event).order_by("pk"))
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted"]
    assert client.get(url(event, "registrations/{}/cancel/".format(regs[0].pk))).status_code == 200
    response = client.post(url(event, "registrations/{}/cancel/".format(regs[0].pk)), follow=True)
    assert "候补" in response.content.decode() or people[2].name in response.content.decode()
    with scope(chamber=chamber):
        assert Registration.objects.get(pk=regs[2].pk).status == "confirmed"
    # A guest typed by name, no member.
    assert client.post(url(event, "register/"), {"attendee_name": "区商务局 李科长"}).status_code == 302


def test_checkin_page_cases(client_as, chamber, event, admin_user, member, people, staff_readonly, branch_secretary):
    reg = register(chamber, event, admin_user, membership=member, person=people[0])
    client = client_as(admin_user)
    page = client.get(url(event, "check-in/"))
    assert page.status_code == 200 and 'autofocus' in page.content.decode()
    assert client_as(staff_readonly).get(url(event, "check-in/")).status_code == 403
    assert client_as(branch_secretary).get(url(event, "check-in/")).status_code == 404
    ok = client.post(url(event, "check-in/"), {"code": reg.code.lower()})
    assert 'data-result="ok"' in ok.content.decode() and people[0].name in ok.content.decode()
    again = client.post(url(event, "check-in/"), {"code": reg.code})
    assert 'data-result="already"' in again.content.decode()
    unknown = client.post(url(event, "check-in/"), {"code": "NOPE000000"})
    assert unknown.status_code == 400 and 'data-result="error"' in unknown.content.decode()
    walk = client.post(url(event, "check-in/walk-in/"), {"attendee_name": "散客", "attendee_mobile": ""})
    assert walk.status_code == 302
    with scope(chamber=chamber):
        assert Registration.objects.get(event=event, attendee_name="散客").checked_in_at is not None


def test_entry_pass_qr_and_exports(client_as, chamber, event, admin_user, member, people, outsider, staff_readonly):
    reg = register(chamber, event, admin_user, membership=member, person=people[0])
    register(chamber, event, admin_user, attendee_name="=HYPERLINK(1)", walk_in=True)
    client = client_as(admin_user)
    svg = client.get(url(event, "registrations/{}/qr.svg".format(reg.pk)))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    entry = client_as(staff_readonly).get(url(event, "registrations/{}/pass/".format(reg.pk))).content.decode()
    assert reg.code in entry and "<svg" in entry and people[0].name in entry and event.place in entry
    assert client_as(outsider).get(url(event, "registrations/{}/pass/".format(reg.pk))).status_code == 404
    response = client.get(url(event, "attendance/") + "?show=all")
    content = response.getvalue()  # streamed (StreamingHttpResponse)
    assert content.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(ATTENDANCE_HEADERS) and "会员" in rows[0]  # Chinese headers (the member column)
    assert len(rows) == 3 and rows[2][0].startswith("'=")
    xlsx = client.get(url(event, "attendance/") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    values = list(sheet.values)
    assert values[0][0] == event.title and list(values[1]) == list(ATTENDANCE_HEADERS)
    assert len(values) == 3  # the title, the headers and the walk-in (the only one checked in)


def test_attachments(client_as, chamber, event, admin_user, staff_readonly, outsider, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = client_as(admin_user)
    bad = SimpleUploadedFile("agenda.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    client.post(url(event, "attachments/"), {"file": bad})
    with scope(chamber=chamber):
        assert not event.attachments.exists()
    pdf = SimpleUploadedFile("议程.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    client.post(url(event, "attachments/"), {"file": pdf})
    with scope(chamber=chamber):
        attachment = event.attachments.get()
    link = url(event, "attachments/{}/".format(attachment.pk))
    assert client_as(staff_readonly).get(link).status_code == 200
    assert client_as(outsider).get(link).status_code == 404
    assert client_as(staff_readonly).post(link).status_code == 403
    assert client.post(link).status_code == 302


def test_member_page_shows_the_members_events(client_as, chamber, event, admin_user, member, people):
    register(chamber, event, admin_user, membership=member, person=people[0])
    page = client_as(admin_user).get("/c/{}/members/{}/".format(chamber.slug, member.pk)).content.decode()
    assert 'id="section-events"' in page and event.title in page


def test_portal_self_registration(client_as, chamber, event, member, people, second_member, representative):
    client = client_as(representative)
    portal = client.get("/c/{}/members/portal/".format(chamber.slug)).content.decode()
    assert event.title in portal and 'id="portal-events"' in portal
    base = "/c/{}/events/portal/{}/".format(chamber.slug, member.enterprise_id)
    assert client.post(base + "{}/register/".format(event.pk), {"person": people[0].pk}).status_code == 302
    with scope(chamber=chamber):
        reg = Registration.objects.get(event=event, person=people[0])
    assert reg.registered_by == representative
    # Another enterprise: its id is a 404, its contact is not a choice.
    other = "/c/{}/events/portal/{}/".format(chamber.slug, second_member.enterprise_id)
    assert client.post(other + "{}/register/".format(event.pk),
                       {"person": second_member.contact_person.pk}).status_code == 404
    client.post(base + "{}/register/".format(event.pk), {"person": second_member.contact_person.pk})
    with scope(chamber=chamber):
        assert not Registration.objects.filter(person=second_member.contact_person).exists()
    assert client.get(base + "registrations/{}/pass/".format(reg.pk)).status_code == 200
    assert client.post(base + "registrations/{}/cancel/".format(reg.pk)).status_code == 302
    with scope(chamber=chamber):
        assert Registration.objects.get(pk=reg.pk).status == "cancelled"
    # Staff pages stay closed to the representative.
    assert client.get(url(event)).status_code == 403
