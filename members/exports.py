"""Export kinds of the roster: the member list as filtered on its page, and a term's officers.

The member list is read as the roster page reads it: `RosterFilterForm` on the query
string, `membership_roster_filter` for which members in which order, and
`membership_roster_rows` for their values, a chunk of ids at a time (three queries a
chunk, no model instances: 100,000 members in bounded memory).
"""
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from branches.selectors import branch_visible_list
from chamber.access import MEMBERS_VIEW, OFFICERS_VIEW
from chamber.interchange.exporting import ExportColumn, ExportKindSpec, export_kind

from .forms.roster import RosterFilterForm
from .models import POST_ORDER, MembershipKind, MembershipStatus, Post
from .selectors import membership_roster_filter, membership_roster_rows, officer_list, rank_list, term_current


def _name(row, job):
    return row["enterprise__name"] if row["enterprise_id"] else row["person__name"]


def _contact(row):
    """(name, title, mobile) of the member's primary contact; an individual member is their own."""
    if not row["enterprise_id"]:
        return row["person__name"], "", row["person__mobile"]
    if not row["contacts"]:
        return "", "", ""
    _pk, name, title, _primary, mobile = row["contacts"][0]
    return name, title, mobile


@export_kind
class MemberRosterExport(ExportKindSpec):
    key = "members"
    title = _("Member roster")
    capability = MEMBERS_VIEW

    def prepare(self, job):
        branches = list(branch_visible_list(chamber=job.chamber, access=job.access, capability=MEMBERS_VIEW))
        form = RosterFilterForm(job.query, branches=branches, ranks=list(rank_list(chamber=job.chamber)))
        form.is_valid()  # invalid filters are left out, as the page does
        job.queryset = membership_roster_filter(chamber=job.chamber, access=job.access, **form.filters())
        job.context.update(kinds=dict(MembershipKind.choices), statuses=dict(MembershipStatus.choices))

    def rows(self, job):
        ids = list(job.queryset.values_list("pk", flat=True))
        for start in range(0, len(ids), self.chunk_size):
            for row in membership_roster_rows(chamber=job.chamber, ids=ids[start:start + self.chunk_size]):
                row["contact"] = _contact(row)  # read by three columns
                yield row

    def columns(self, job):
        kinds, statuses = job.context["kinds"], job.context["statuses"]
        return [
            ExportColumn("会员编号", lambda r, j: r["member_number"], width=12),
            ExportColumn("会员名称", _name, width=36),
            ExportColumn("会员类型", lambda r, j: str(kinds.get(r["kind"], r["kind"]))),
            ExportColumn("统一社会信用代码", lambda r, j: r["enterprise__uscc"] or "", width=22),
            ExportColumn("法定代表人", lambda r, j: r["enterprise__legal_representative"] or ""),
            ExportColumn("会员等级", lambda r, j: r["rank__name"] or ""),
            ExportColumn("所属分会", lambda r, j: "、".join(name for _pk, name in r["branches"]), width=30),
            ExportColumn("会员状态", lambda r, j: str(statuses.get(r["status"], r["status"]))),
            ExportColumn("入会日期", lambda r, j: r["joined_on"], width=12),
            ExportColumn("主要联系人", lambda r, j: r["contact"][0]),
            ExportColumn("联系人职务", lambda r, j: r["contact"][1]),
            ExportColumn("联系人手机", lambda r, j: j.mobile(r["contact"][2]), width=14),
            ExportColumn("行业代码", lambda r, j: r["enterprise__industry_code"] or ""),
            ExportColumn("地区代码", lambda r, j: r["enterprise__division_code"] or ""),
            ExportColumn("地址", lambda r, j: r["enterprise__address"] or "", width=36),
        ]


@export_kind
class OfficerExport(ExportKindSpec):
    """A term's officers (`?term=<pk>`, else the current term, as the officers page shows)."""

    key = "officers"
    title = _("Officers")
    capability = OFFICERS_VIEW

    def prepare(self, job):
        from .models import Term

        wanted = job.get("term")
        if wanted:
            term = Term.objects.filter(chamber=job.chamber, pk=wanted).first() if str(wanted).isdigit() else None
        else:
            term = term_current(chamber=job.chamber)
        if term is None:
            raise Http404
        job.title = "{}（{}）".format(job.title, term)
        protocol = Case(*(When(post=post, then=Value(POST_ORDER[post])) for post in Post.values),
                        default=Value(99), output_field=IntegerField())
        job.queryset = officer_list(chamber=job.chamber, term=term).order_by(protocol, "person__name", "pk")
        job.context["posts"] = dict(Post.choices)

    def columns(self, job):
        posts = job.context["posts"]
        return [
            ExportColumn("职务", lambda p, j: str(posts.get(p.post, p.post)), width=16),
            ExportColumn("姓名", lambda p, j: p.person.name),
            ExportColumn("单位", lambda p, j: p.enterprise.name if p.enterprise_id else "", width=36),
            ExportColumn("所属分会", lambda p, j: p.branch.name if p.branch_id else ""),
            ExportColumn("任职起始", lambda p, j: p.starts_on, width=12),
            ExportColumn("任职截止", lambda p, j: p.ends_on, width=12),
            ExportColumn("手机", lambda p, j: j.mobile(p.person.mobile), width=14),
            ExportColumn("身份证号码", lambda p, j: j.id_number(p.person.id_number), width=22),
        ]
