"""Export kinds of events: the events list, one event's attendance (or all its
registrations) and the member requests board, each filtered as on its page."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from chamber.access import EVENTS_VIEW, REQUESTS_VIEW
from chamber.interchange.exporting import ExportColumn, ExportKindSpec, export_kind

from .models import Event, EventKind, EventStatus, RegistrationStatus, RequestCategory, RequestStatus
from .selectors.events import branch_choices, event_detail, event_list, event_list_filters, query_int, registration_list
from .selectors.requests import request_board_filters, request_board_rows


@export_kind
class EventListExport(ExportKindSpec):
    key = "events"
    title = _("Events")
    capability = EVENTS_VIEW

    def prepare(self, job):
        branches = list(branch_choices(chamber=job.chamber, access=job.access, capability=EVENTS_VIEW))
        filters = event_list_filters(job, branches)
        job.queryset = event_list(chamber=job.chamber, access=job.access, counts=True, **filters)
        job.context["plain"] = event_list(chamber=job.chamber, access=job.access, counts=False, **filters)
        job.context.update(kinds=dict(EventKind.choices), statuses=dict(EventStatus.choices))

    def count(self, job):
        return job.context["plain"].count()  # without the counts' joins

    def columns(self, job):
        kinds, statuses = job.context["kinds"], job.context["statuses"]
        return [
            ExportColumn("活动名称", lambda e, j: e.title, width=36),
            ExportColumn("类型", lambda e, j: str(kinds.get(e.kind, e.kind))),
            ExportColumn("状态", lambda e, j: str(statuses.get(e.status, e.status))),
            ExportColumn("开始时间", lambda e, j: e.starts_at, width=17),
            ExportColumn("结束时间", lambda e, j: e.ends_at, width=17),
            ExportColumn("地点", lambda e, j: e.place, width=30),
            ExportColumn("主办分会", lambda e, j: e.organiser_branch.name if e.organiser_branch_id else ""),
            ExportColumn("名额", lambda e, j: e.capacity),
            ExportColumn("已确认报名", lambda e, j: e.confirmed_count),
            ExportColumn("候补", lambda e, j: e.waitlisted_count),
            ExportColumn("已签到", lambda e, j: e.checked_in_count),
        ]


# The attendance list's headers.
ATTENDANCE_HEADERS = ("姓名", "会员", "手机", "状态", "现场登记", "报名时间", "签到时间", "签到码")


@export_kind
class AttendanceExport(ExportKindSpec):
    """One event's attendance (`?event=<pk>`): those checked in, or every registration with
    `show=all`. The .xlsx carries the event's title above the headers."""

    key = "attendance"
    title = _("Attendance")
    capability = EVENTS_VIEW

    def prepare(self, job):
        try:
            event = event_detail(chamber=job.chamber, access=job.access, pk=query_int(job.get("event")))
        except Event.DoesNotExist:
            raise Http404 from None
        everyone = job.get("show") == "all"
        registrations = registration_list(event=event)
        job.queryset = registrations if everyone else registrations.filter(checked_in_at__isnull=False)
        job.title = "{}（{}）".format(_("Registrations") if everyone else job.title, event.title)
        job.caption = event.title
        job.context["statuses"] = dict(RegistrationStatus.choices)

    def columns(self, job):
        statuses = job.context["statuses"]
        values = (
            lambda r, j: r.attendee_name,
            lambda r, j: r.membership.name if r.membership_id else "",
            lambda r, j: j.mobile(r.attendee_mobile),
            lambda r, j: str(statuses.get(r.status, r.status)),
            lambda r, j: "是" if r.is_walk_in else "",
            lambda r, j: r.registered_at,
            lambda r, j: r.checked_in_at,
            lambda r, j: r.code,
        )
        widths = (14, 30, 14, 10, 8, 17, 17, 14)
        return [ExportColumn(h, v, width=w) for h, v, w in zip(ATTENDANCE_HEADERS, values, widths)]


@export_kind
class RequestExport(ExportKindSpec):
    """The requests board's tab and filters, in the board's order (overdue first)."""

    key = "requests"
    title = _("Member requests")
    capability = REQUESTS_VIEW

    def prepare(self, job):
        job.queryset = request_board_rows(chamber=job.chamber, access=job.access, **request_board_filters(job))
        job.context.update(categories=dict(RequestCategory.choices), statuses=dict(RequestStatus.choices))

    def columns(self, job):
        categories, statuses = job.context["categories"], job.context["statuses"]

        def assignee(r, j):
            names = []
            if r.assignee_id:
                names.append(r.assignee.get_full_name() or r.assignee.username)
            if r.assignee_officer_id:
                names.append(str(r.assignee_officer))
            return "、".join(names)

        return [
            ExportColumn("提出时间", lambda r, j: r.created_at, width=17),
            ExportColumn("会员", lambda r, j: r.membership.name, width=30),
            ExportColumn("类别", lambda r, j: str(categories.get(r.category, r.category))),
            ExportColumn("标题", lambda r, j: r.title, width=36),
            ExportColumn("状态", lambda r, j: str(statuses.get(r.status, r.status))),
            ExportColumn("承办人", assignee, width=20),
            ExportColumn("办理期限", lambda r, j: r.due_on, width=12),
            ExportColumn("办结日期", lambda r, j: r.closed_on, width=12),
            ExportColumn("会员评价", lambda r, j: r.rating),
            ExportColumn("典型案例", lambda r, j: "是" if r.is_typical else ""),
        ]
