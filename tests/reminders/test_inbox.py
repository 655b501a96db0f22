"""The inbox (/inbox/): a user's own sent messages from every chamber, the unread count in the
header of every page, read marks, and per-rule preferences (inbox and email)."""
import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from chamber.reminders.context_processors import inbox
from chamber.reminders.models import Delivery, DeliveryStatus, ReminderPreference, ReminderRule
from chamber.reminders.services import delivery_send

from .fixtures_h import *  # noqa: F401,F403  (the fixtures of these pages)

INBOX = "/inbox/"


def _badge(html):
    """The header badge's count, or None when there is no badge."""
    found = re.search(r'data-unread="(\d+)"', html)
    return int(found.group(1)) if found else None


def test_inbox_lists_only_own_sent_messages_from_all_chambers(login_as, chamber, other_chamber, both_chambers_user,
                                                              admin_user, make_delivery):
    make_delivery(chamber, both_chambers_user, title="本会任期提醒")
    make_delivery(other_chamber, both_chambers_user, title="他会任期提醒")
    make_delivery(chamber, both_chambers_user, title="尚未发送", status=DeliveryStatus.PENDING)
    make_delivery(chamber, both_chambers_user, title="发送失败", status=DeliveryStatus.FAILED)
    make_delivery(chamber, admin_user, title="别人的提醒")
    html = login_as(both_chambers_user).get(INBOX).content.decode()
    inbox_html = html[html.index('id="inbox"'):]
    assert "本会任期提醒" in inbox_html and "他会任期提醒" in inbox_html
    assert "尚未发送" not in html and "发送失败" not in html and "别人的提醒" not in html
    # Newest first, each with its chamber's name; unread ones in bold.
    assert inbox_html.index("他会任期提醒") < inbox_html.index("本会任期提醒")
    assert chamber.name in inbox_html and other_chamber.name in inbox_html
    assert inbox_html.count('data-unread="true"') == 2 and inbox_html.count("fw-bold") == 2


def test_inbox_and_preferences_ask_anonymous_users_to_log_in(client):
    for path in (INBOX, "/inbox/preferences/", "/inbox/1/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    assert client.post("/inbox/read-all/").status_code == 302


def test_header_shows_the_unread_count_of_all_chambers_on_any_page(login_as, chamber, other_chamber,
                                                                   both_chambers_user, make_delivery):
    client = login_as(both_chambers_user)
    # None yet: no badge, and the bell still leads to the inbox.
    html = client.get(f"/c/{chamber.slug}/dashboard/").content.decode()
    assert _badge(html) is None and 'href="/inbox/"' in html and "bi-bell" in html
    make_delivery(chamber, both_chambers_user)
    make_delivery(other_chamber, both_chambers_user)
    make_delivery(other_chamber, both_chambers_user)
    for path in (f"/c/{chamber.slug}/dashboard/", f"/c/{other_chamber.slug}/dashboard/", INBOX, "/inbox/preferences/"):
        html = client.get(path).content.decode()
        # The count spans both chambers, also on one chamber's page (its scope must not narrow it).
        assert _badge(html) == 3, path
        assert re.search(r'aria-label="[^"]*3[^"]*"', html), path


def test_read_messages_do_not_count(login_as, chamber, both_chambers_user, make_delivery):
    make_delivery(chamber, both_chambers_user, read_at=timezone.now())
    html = login_as(both_chambers_user).get(INBOX).content.decode()
    assert _badge(html) is None and 'data-unread="true"' not in html


def test_the_count_is_lazy_and_costs_one_query(rf, both_chambers_user, chamber, make_delivery,
                                               django_assert_num_queries):
    make_delivery(chamber, both_chambers_user)
    request = rf.get("/")
    request.user = both_chambers_user
    with django_assert_num_queries(0):
        context = inbox(request)
    with django_assert_num_queries(1):
        assert context["inbox_unread"] == 1 and str(context["inbox_unread"]) == "1"


def test_opening_a_message_marks_it_read(login_as, chamber, both_chambers_user, make_delivery):
    message = make_delivery(chamber, both_chambers_user, title="任期将满", body="请安排换届。")
    client = login_as(both_chambers_user)
    html = client.get(f"/inbox/{message.pk}/").content.decode()
    assert "任期将满" in html and "请安排换届。" in html and f'href="{message.link}"' in html
    with scopes_disabled():
        message.refresh_from_db()
    assert message.read_at is not None
    assert _badge(client.get(INBOX).content.decode()) is None


def test_go_to_the_page_marks_read_and_follows_only_own_site_links(login_as, chamber, both_chambers_user,
                                                                   make_delivery):
    message = make_delivery(chamber, both_chambers_user)
    outside = make_delivery(chamber, both_chambers_user, link="https://evil.example/")
    client = login_as(both_chambers_user)
    assert f'href="/inbox/{message.pk}/?go=1"' in client.get(INBOX).content.decode()
    response = client.get(f"/inbox/{message.pk}/?go=1")
    assert response.status_code == 302 and response["Location"] == message.link
    assert client.get(f"/inbox/{outside.pk}/?go=1").status_code == 200
    with scopes_disabled():
        assert not Delivery.objects.filter(recipient=both_chambers_user, read_at__isnull=True).exists()


def test_mark_read_and_mark_all_read(login_as, chamber, other_chamber, both_chambers_user, admin_user,
                                     make_delivery):
    first = make_delivery(chamber, both_chambers_user)
    make_delivery(chamber, both_chambers_user)
    make_delivery(other_chamber, both_chambers_user)
    someone_elses = make_delivery(chamber, admin_user)
    client = login_as(both_chambers_user)
    response = client.post(f"/inbox/{first.pk}/read/", {"next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert _badge(client.get(INBOX).content.decode()) == 2
    # An outside address in `next` is not followed.
    response = client.post("/inbox/read-all/", {"next": "https://evil.example/"})
    assert response["Location"] == INBOX
    assert _badge(client.get(INBOX).content.decode()) is None
    with scopes_disabled():
        assert Delivery.objects.filter(recipient=both_chambers_user, read_at__isnull=True).count() == 0
        assert Delivery.objects.get(pk=someone_elses.pk).read_at is None


def test_another_users_message_is_404(login_as, chamber, both_chambers_user, admin_user, make_delivery):
    theirs = make_delivery(chamber, admin_user)
    pending_own = make_delivery(chamber, both_chambers_user, status=DeliveryStatus.PENDING)
    client = login_as(both_chambers_user)
    assert client.get(f"/inbox/{theirs.pk}/").status_code == 404
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/inbox/{pending_own.pk}/").status_code == 404
    with scopes_disabled():
        assert Delivery.objects.get(pk=theirs.pk).read_at is None


def test_inbox_pages_by_25_with_a_fixed_query_count(login_as, chamber, both_chambers_user, make_delivery):
    client = login_as(both_chambers_user)
    make_delivery(chamber, both_chambers_user, title="最早的提醒", minutes_ago=10_000_000)

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = queries(INBOX)
    for _ in range(29):
        make_delivery(chamber, both_chambers_user)
    assert queries(INBOX) == few
    # session, user, page count, page rows with their chamber, the header's unread count, the
    # user menu's chambers (2, on a page outside any chamber).
    assert few == 7
    first = client.get(INBOX).content.decode()
    assert first.count("data-message=") == 25 and "最早的提醒" not in first
    second = client.get(INBOX + "?page=2").content.decode()
    assert second.count("data-message=") == 5 and "最早的提醒" in second


def test_preferences_form_saves_and_the_inbox_honours_them(login_as, chamber, both_chambers_user, make_delivery):
    make_delivery(chamber, both_chambers_user, title="任期提醒", rule=ReminderRule.TERM_END)
    make_delivery(chamber, both_chambers_user, title="会费提醒", rule=ReminderRule.DUES_DUE)
    client = login_as(both_chambers_user)
    html = client.get("/inbox/preferences/").content.decode()
    # Everything is on while the user has chosen nothing.
    assert html.count("checked") == 2 * len(ReminderRule.values)
    data = {f"{kind}_{rule}": "on" for rule in ReminderRule.values for kind in ("email", "inbox")}
    del data["inbox_" + ReminderRule.TERM_END]
    del data["email_" + ReminderRule.DUES_DUE]
    response = client.post("/inbox/preferences/", data)
    assert response.status_code == 302
    # Only what was switched off is stored (a missing row means both on).
    stored = {(p.rule, p.by_email, p.in_inbox) for p in ReminderPreference.objects.filter(user=both_chambers_user)}
    assert stored == {(ReminderRule.TERM_END, True, False), (ReminderRule.DUES_DUE, False, True)}
    html = client.get(INBOX).content.decode()
    assert "任期提醒" not in html and "会费提醒" in html and _badge(html) == 1
    html = client.get("/inbox/preferences/").content.decode()
    assert html.count("checked") == 2 * len(ReminderRule.values) - 2
    # Switching it back on shows the message again.
    client.post("/inbox/preferences/", {**data, "inbox_" + ReminderRule.TERM_END: "on"})
    assert _badge(client.get(INBOX).content.decode()) == 2


def test_send_does_not_email_when_the_user_turned_email_off(chamber, both_chambers_user, admin_user, make_delivery):
    ReminderPreference.objects.create(user=both_chambers_user, rule=ReminderRule.TERM_END, by_email=False)
    admin_user.email = "alice@example.com"
    admin_user.save()
    quiet = make_delivery(chamber, both_chambers_user, status=DeliveryStatus.PENDING)
    loud = make_delivery(chamber, admin_user, status=DeliveryStatus.PENDING)
    with scopes_disabled():
        assert delivery_send(quiet.pk) is True
        assert mail.outbox == []
        assert delivery_send(loud.pk) is True
        quiet.refresh_from_db()
        loud.refresh_from_db()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    # Still in the inbox: only the email was turned off.
    assert quiet.status == DeliveryStatus.SENT and not quiet.emailed and loud.emailed


def test_anonymous_pages_have_no_bell(client):
    html = client.get(reverse("login")).content.decode()
    assert "bi-bell" not in html and _badge(html) is None
