"""The staff's reminder pages under /c/<chamber>/reminders/: deliveries (failures first, filters,
50 a page, a fixed query count) and the chamber's settings (lead times validated in Chinese,
what the scan then uses), open to chamber admins and the secretariat only."""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from chamber.models import AuditEntry
from chamber.reminders.models import DEFAULT_LEAD_DAYS, DeliveryStatus, ReminderRule, ReminderSettings
from chamber.reminders.services import reminder_settings_for
from chamber.reminders.services_settings import reminder_settings_set

from .fixtures_h import *  # noqa: F401,F403  (the fixtures of these pages)


def url(chamber, path=""):
    return f"/c/{chamber.slug}/reminders/{path}"


def settings_data(**changes):
    """A complete settings form: every rule on, its defaults, 09:00; `changes` override."""
    data = {"send_time": "09:00"}
    for rule in ReminderRule.values:
        data["days_" + rule] = ", ".join(str(d) for d in DEFAULT_LEAD_DAYS[rule])
        data["enabled_" + rule] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("user_fixture, status", [
    ("admin_user", 200), ("secretary", 200), ("staff_readonly", 403), ("treasurer", 403),
    ("representative", 403), ("branch_secretary", 403), ("outsider", 404),
])
def test_who_opens_the_staff_pages(request, login_as, chamber, user_fixture, status):
    client = login_as(request.getfixturevalue(user_fixture))
    assert client.get(url(chamber)).status_code == status
    assert client.get(url(chamber, "settings/")).status_code == status
    if status != 200:
        assert client.post(url(chamber, "settings/"), settings_data()).status_code == status
        with scopes_disabled():
            assert not ReminderSettings.objects.exists()


def test_anonymous_users_are_asked_to_log_in(client, chamber):
    response = client.get(url(chamber))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_menu_offers_reminders_to_those_who_may_open_them(login_as, chamber, secretary, staff_readonly):
    link = f'href="{url(chamber)}"'
    assert link in login_as(secretary).get(f"/c/{chamber.slug}/dashboard/").content.decode()
    assert link not in login_as(staff_readonly).get(f"/c/{chamber.slug}/dashboard/").content.decode()


def test_failures_lead_with_their_error_and_attempts(login_as, chamber, other_chamber, secretary, admin_user,
                                                     outsider, make_delivery):
    make_delivery(chamber, admin_user, title="已发送的提醒")
    make_delivery(chamber, admin_user, title="发送失败的提醒", status=DeliveryStatus.FAILED, attempts=5,
                  last_error="SMTP 550 mailbox unavailable")
    make_delivery(other_chamber, outsider, title="他会失败", status=DeliveryStatus.FAILED)
    client = login_as(secretary)
    html = client.get(url(chamber)).content.decode()
    table = html[html.index('id="deliveries"'):]
    assert "发送失败的提醒" in table and "SMTP 550 mailbox unavailable" in table and "<td>5</td>" in table
    assert "已发送的提醒" not in table and "他会失败" not in html
    # The failures tab comes first and is the one open.
    tabs = html[html.index("nav-tabs"):]
    assert tabs.index('data-tab="failed"') < tabs.index('data-tab="sent"')
    assert re.search(r'class="nav-link active[^"]*" aria-current="page" href="\?status=failed" data-tab="failed"', html)
    html = client.get(url(chamber, "?status=all")).content.decode()
    assert "已发送的提醒" in html and "发送失败的提醒" in html and "他会失败" not in html


def test_without_failures_every_delivery_shows(login_as, chamber, secretary, admin_user, make_delivery):
    make_delivery(chamber, admin_user, title="已发送的提醒")
    html = login_as(secretary).get(url(chamber)).content.decode()
    assert "已发送的提醒" in html


def test_filters_by_status_and_rule(login_as, chamber, secretary, admin_user, make_delivery):
    make_delivery(chamber, admin_user, title="任期提醒", rule=ReminderRule.TERM_END)
    make_delivery(chamber, admin_user, title="会费提醒", rule=ReminderRule.DUES_DUE)
    make_delivery(chamber, admin_user, title="待发会费", rule=ReminderRule.DUES_DUE, status=DeliveryStatus.PENDING)
    client = login_as(secretary)
    html = client.get(url(chamber, f"?status=sent&rule={ReminderRule.DUES_DUE}")).content.decode()
    assert "会费提醒" in html and "任期提醒" not in html and "待发会费" not in html
    html = client.get(url(chamber, "?status=pending")).content.decode()
    assert "待发会费" in html and "会费提醒" not in html
    # A rule that does not exist is ignored, not an error.
    assert client.get(url(chamber, "?rule=nonsense&status=bogus")).status_code == 200


def test_deliveries_page_by_50_with_a_fixed_query_count(login_as, chamber, secretary, admin_user, make_delivery,
                                                        django_assert_num_queries):
    client = login_as(secretary)
    make_delivery(chamber, admin_user)

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = queries(url(chamber))
    for _ in range(59):
        make_delivery(chamber, admin_user)
    assert queries(url(chamber)) == few
    # session, user, chamber, roles; counts per status (1), page count (1), the page's rows with
    # their recipients (1); the header's unread count (1); the chamber menu's chambers (2).
    with django_assert_num_queries(10):
        html = client.get(url(chamber)).content.decode()
    assert html.count("data-delivery=") == 50
    assert client.get(url(chamber, "?page=2")).content.decode().count("data-delivery=") == 10


def test_settings_form_saves_and_the_scan_uses_it(login_as, chamber, admin_user):
    client = login_as(admin_user)
    html = client.get(url(chamber, "settings/")).content.decode()
    assert 'value="14, 7, 1"' in html and 'value="09:00"' in html
    data = settings_data(**{"days_" + ReminderRule.TERM_END: "90，30、 10",
                            "enabled_" + ReminderRule.DUES_OVERDUE: None, "send_time": "08:30"})
    response = client.post(url(chamber, "settings/"), data)
    assert response.status_code == 302
    with scope(chamber=chamber):
        options = reminder_settings_for(chamber)
        # Only what differs from the defaults is stored.
        assert options.lead_days == {ReminderRule.TERM_END: [10, 30, 90]}
        assert options.days_for(ReminderRule.TERM_END) == [90, 30, 10]  # latest first, as the defaults
        assert sorted(options.days_for(ReminderRule.CAMPAIGN_DEADLINE)) == [1, 7, 14]
        assert not options.is_enabled(ReminderRule.DUES_OVERDUE) and options.is_enabled(ReminderRule.DUES_DUE)
        assert options.send_time == datetime.time(8, 30)
        entry = AuditEntry.objects.get(chamber=chamber, action="reminder settings set")
        assert entry.actor == admin_user and entry.changes["send_time"] == [None, "08:30"]
    html = client.get(url(chamber, "settings/")).content.decode()
    assert 'value="90, 30, 10"' in html and 'value="08:30"' in html
    # Emptying a field goes back to the defaults.
    client.post(url(chamber, "settings/"), settings_data(**{"days_" + ReminderRule.TERM_END: ""}))
    with scope(chamber=chamber):
        options = reminder_settings_for(chamber)
        assert sorted(options.days_for(ReminderRule.TERM_END)) == [60, 180] and options.lead_days == {}
        assert options.is_enabled(ReminderRule.DUES_OVERDUE)


@pytest.mark.parametrize("text, message", [
    ("14, 七", "请输入以逗号分隔的整数天数，例如 14, 7, 1。"),
    ("14, -1", "请输入以逗号分隔的整数天数，例如 14, 7, 1。"),
    ("401", "每个提前天数须在 0 到 400 天之间。"),
    ("1, 2, 3, 4, 5, 6", "每条规则最多设置 5 个提前天数。"),
])
def test_settings_reject_bad_lead_times_in_chinese(login_as, chamber, admin_user, text, message):
    client = login_as(admin_user)
    response = client.post(url(chamber, "settings/"), settings_data(**{"days_" + ReminderRule.TERM_END: text}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    with scopes_disabled():
        assert not ReminderSettings.objects.exists()


def test_the_service_validates_too(chamber, admin_user):
    from django.core.exceptions import ValidationError

    with scope(chamber=chamber), pytest.raises(ValidationError) as error:
        reminder_settings_set(chamber=chamber, actor=admin_user, lead_days={"no_such_rule": [1], "term_end": [999]},
                              disabled_rules=[], send_time=datetime.time(9))
    assert len(error.value.message_dict["lead_days"]) == 2


def test_settings_of_one_chamber_leave_the_other_alone(login_as, chamber, other_chamber, admin_user):
    login_as(admin_user).post(url(chamber, "settings/"), settings_data(**{"days_" + ReminderRule.TERM_END: "5"}))
    with scope(chamber=other_chamber):
        assert sorted(reminder_settings_for(other_chamber).days_for(ReminderRule.TERM_END)) == [60, 180]
