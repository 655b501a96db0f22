"""The members import: one row per member (enterprise, group or individual), with its rank,
branches, membership details and a primary contact.

Built for large rosters: `prepare` loads every lookup in a handful of queries, `check_row`
makes none, and `apply_row` goes through members.services (member_register, or
membership_create for an enterprise or person the chamber already has).
"""
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.access import MEMBERS_CHANGE
from chamber.interchange.kinds import Column, ImportKindSpec, import_kind
from chamber.interchange.models import ImportKind
from chamber.crypto import id_number_digest
from chamber.validators import normalize_id_number, normalize_industry_code, normalize_mobile, normalize_uscc

from ..models import (
    Contact,
    Enterprise,
    Gender,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    Person,
    Rank,
)
from ..services import contact_add, member_register, membership_create, person_create
from .bulk import member_register_many
from .common import (
    branch_lookup,
    cell_date,
    cell_normalised,
    delete_made,
    find_branches,
    row_errors,
    text,
    too_long,
    word,
)

KIND_WORDS = {
    "企业会员": MembershipKind.ENTERPRISE, "企业": MembershipKind.ENTERPRISE, "单位会员": MembershipKind.ENTERPRISE,
    "enterprise": MembershipKind.ENTERPRISE,
    "团体会员": MembershipKind.GROUP, "团体": MembershipKind.GROUP, "group": MembershipKind.GROUP,
    "个人会员": MembershipKind.INDIVIDUAL, "个人": MembershipKind.INDIVIDUAL, "individual": MembershipKind.INDIVIDUAL,
}
STATUS_WORDS = {
    "正常": MembershipStatus.ACTIVE, "在册": MembershipStatus.ACTIVE, "有效": MembershipStatus.ACTIVE,
    "active": MembershipStatus.ACTIVE,
    "申请中": MembershipStatus.APPLIED, "申请": MembershipStatus.APPLIED, "待审核": MembershipStatus.APPLIED,
    "applied": MembershipStatus.APPLIED,
}
GENDER_WORDS = {"男": Gender.MALE, "male": Gender.MALE, "m": Gender.MALE,
                "女": Gender.FEMALE, "female": Gender.FEMALE, "f": Gender.FEMALE}

# Where a service's field error goes in the file.
FIELD_COLUMNS = {
    "enterprise.name": "name", "enterprise.uscc": "uscc", "enterprise.legal_representative": "legal_representative",
    "enterprise.industry_code": "industry_code", "enterprise.address": "address",
    "person.name": "name", "person.id_number": "id_number", "person.gender": "gender", "person.mobile": "contact_mobile",
    "membership.rank": "rank", "membership.branches": "branches", "membership.member_number": "member_number",
    "membership.joined_on": "joined_on", "membership.status": "status", "membership.enterprise": "uscc",
    "contact.name": "contact_name", "contact.mobile": "contact_mobile", "contact.title": "contact_title",
}
# What may go with a membership the import made when it is taken back: its own history and
# branch links. Anything else pointing at what the import made means it was used since.
UNDO_ALLOWED = {MembershipBranch, MembershipChange}
CONTACT_COLUMNS = {"name": "contact_name", "mobile": "contact_mobile", "title": "contact_title"}


@import_kind
class MembersImport(ImportKindSpec):
    kind = ImportKind.MEMBERS
    capability = MEMBERS_CHANGE
    columns = (
        Column("kind", "会员类型", ("会员类别", "类型"),
               help=gettext_lazy("企业会员, 团体会员 or 个人会员; empty means 企业会员."), example="企业会员"),
        Column("name", "会员名称", ("企业名称", "单位名称", "名称", "企业全称", "姓名"), required=True,
               help=gettext_lazy("The enterprise's full name, or the person's name for an individual member."),
               example="苏州光电缆有限公司"),
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码"),
               help=gettext_lazy("18 characters; required for enterprise members."), example="91320500MA1XXXXXX1"),
        Column("legal_representative", "法定代表人", ("法人代表", "法人"), example="张三"),
        Column("industry_code", "行业代码", ("所属行业代码", "国民经济行业代码"),
               help=gettext_lazy("GB/T 4754, e.g. C3831."), example="C3831"),
        Column("address", "地址", ("企业地址", "单位地址", "注册地址", "通讯地址")),
        Column("rank", "会员等级", ("会员级别", "等级"),
               help=gettext_lazy("A rank of this chamber, by its name; empty means the lowest rank."),
               example="会员单位"),
        Column("branches", "所属分会", ("分会", "所在分会"),
               help=gettext_lazy("Branch names separated by 、; each must exist in this chamber."),
               example="光缆分会"),
        Column("member_number", "会员编号", ("会员号", "编号"),
               help=gettext_lazy("Unique in the chamber; may be empty."), example="GD-001"),
        Column("joined_on", "入会日期", ("入会时间",), help=gettext_lazy("e.g. 2020-05-01."), example="2020-05-01"),
        Column("status", "会员状态", ("状态",), help=gettext_lazy("正常 or 申请中; empty means 正常."), example="正常"),
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证"),
               help=gettext_lazy("Individual members only.")),
        Column("gender", "性别", (), help=gettext_lazy("男 or 女; individual members only.")),
        Column("contact_name", "联系人", ("联系人姓名",), example="李四"),
        Column("contact_mobile", "手机", ("手机号", "手机号码", "联系电话", "联系人手机", "联系人电话"),
               help=gettext_lazy("The contact's mobile (an individual member's own)."), example="13912345678"),
        Column("contact_title", "联系人职务", ("职务",), example="办公室主任"),
    )
    unique_in_file = ("uscc", "member_number", "id_number")

    def prepare(self, *, chamber, options):
        ranks = list(Rank.objects.filter(chamber=chamber).order_by("order", "pk"))
        current = Membership.objects.filter(chamber=chamber).exclude(status=MembershipStatus.LEFT)
        members_of = {}  # enterprise or person pk -> the current member's name
        for enterprise_id, person_id, name in current.values_list("enterprise_id", "person_id", "name"):
            members_of[("e", enterprise_id) if enterprise_id else ("p", person_id)] = name
        return {
            "chamber": chamber,
            "ranks": {rank.name.strip(): rank for rank in ranks},
            "default_rank": ranks[-1] if ranks else None,
            "branches": branch_lookup(chamber),
            # uscc -> (enterprise pk, name); id number digest -> (person pk, name): digests,
            # so the chamber's ID numbers are not all decrypted for each import.
            "enterprises": {u: (pk, n) for pk, u, n in Enterprise.objects.filter(chamber=chamber).exclude(uscc="")
                            .values_list("pk", "uscc", "name")},
            "people": {i: (pk, n) for pk, i, n in Person.objects.filter(chamber=chamber).exclude(id_number_digest="")
                       .values_list("pk", "id_number_digest", "name")},
            "members_of": members_of,
            "member_numbers": set(Membership.objects.filter(chamber=chamber).exclude(member_number="")
                                  .values_list("member_number", flat=True)),
        }

    # --- Checking ------------------------------------------------------------------------

    def read_row(self, values, context, result):
        """The row's values as the services take them; problems go into `result`."""
        row = {}
        kind_text = text(values, "kind")
        row["kind"] = word(kind_text, KIND_WORDS) if kind_text else MembershipKind.ENTERPRISE
        if row["kind"] is None:
            result.error("kind", _("“{}” is not a member type; write 企业会员, 团体会员 or 个人会员.").format(kind_text))
            row["kind"] = MembershipKind.ENTERPRISE
        individual = row["kind"] == MembershipKind.INDIVIDUAL
        row["name"] = row["holder_name"] = text(values, "name")
        row["legal_representative"], row["address"] = text(values, "legal_representative"), text(values, "address")
        if not row["name"]:
            result.error("name", _("Please give the member's name."))
        too_long(values, "name", result, 60 if individual else 200)
        for key, limit in (("legal_representative", 60), ("address", 300), ("member_number", 30),
                           ("contact_name", 60), ("contact_title", 60)):
            too_long(values, key, result, limit)
        row["uscc"] = cell_normalised(values, "uscc", result, normalize_uscc)
        row["industry_code"] = cell_normalised(values, "industry_code", result, normalize_industry_code)
        row["id_number"] = cell_normalised(values, "id_number", result, normalize_id_number)
        row["mobile"] = cell_normalised(values, "contact_mobile", result, normalize_mobile)
        self._read_membership(values, context, result, row)
        self._read_people(values, result, row)
        if individual:
            self._match_person(values, context, result, row)
        else:
            self._match_enterprise(values, context, result, row)
        return row

    def _read_membership(self, values, context, result, row):
        rank_name = text(values, "rank")
        row["rank"] = context["ranks"].get(rank_name) if rank_name else context["default_rank"]
        if row["rank"] is None:
            known = "、".join(context["ranks"]) or _("(none)")
            if rank_name:
                result.error("rank", _("“{}” is not a member rank of this chamber; its ranks are: {}.").format(rank_name, known))
            else:
                result.error("rank", _("This chamber has no member ranks yet; add them before importing."))
        row["branches"] = find_branches(values, "branches", context["branches"], result)
        row["member_number"] = text(values, "member_number")
        if row["member_number"] in context["member_numbers"]:
            result.error("member_number", _("Member number {} is already in use in this chamber.").format(row["member_number"]))
        row["joined_on"] = cell_date(values, "joined_on", result)
        status_text = text(values, "status")
        row["status"] = word(status_text, STATUS_WORDS) if status_text else MembershipStatus.ACTIVE
        if row["status"] is None:
            result.error("status", _("“{}” is not a status a new member can have; write 正常 or 申请中.").format(status_text))

    def _read_people(self, values, result, row):
        individual = row["kind"] == MembershipKind.INDIVIDUAL
        gender_text = text(values, "gender")
        row["gender"] = (word(gender_text, GENDER_WORDS) or "") if gender_text else ""
        if gender_text and not row["gender"]:
            result.error("gender", _("Write 男 or 女."))
        contact_name = text(values, "contact_name")
        row["contact"] = None
        if individual:
            for key in ("contact_name", "contact_title"):
                if text(values, key):
                    result.warn(key, _("An individual member has no contact person; this cell is not imported."))
            return
        for key in ("id_number", "gender"):
            if text(values, key):
                result.warn(key, _("Only individual members have an ID number and gender here; this cell is not imported."))
        if contact_name:
            row["contact"] = {"name": contact_name, "mobile": row["mobile"], "title": text(values, "contact_title")}
            if not text(values, "contact_mobile"):
                result.warn("contact_mobile", _("The contact has no mobile number."))
        elif text(values, "contact_mobile") or text(values, "contact_title"):
            result.warn("contact_name", _("No contact name: the contact's mobile and title are not imported."))

    def _match_enterprise(self, values, context, result, row):
        row["enterprise_id"] = None
        if not row["uscc"]:
            if row["kind"] == MembershipKind.ENTERPRISE and not text(values, "uscc"):
                result.error("uscc", _("An enterprise member needs its unified social credit code."))
            return
        known = context["enterprises"].get(row["uscc"])
        if known is None:
            return
        member_name = context["members_of"].get(("e", known[0]))
        if member_name is not None:
            result.error("uscc", _("An enterprise with this code is already a member of this chamber ({}).").format(member_name))
            return
        row["enterprise_id"], row["holder_name"] = known
        result.warn("uscc", _("An enterprise with this code is already on record ({}): the import will use the existing enterprise record.").format(known[1]))

    def _match_person(self, values, context, result, row):
        row["person_id"] = None
        if not row["id_number"]:
            return
        known = context["people"].get(id_number_digest(row["id_number"]))
        if known is None:
            return
        member_name = context["members_of"].get(("p", known[0]))
        if member_name is not None:
            result.error("id_number", _("A person with this ID number is already a member of this chamber ({}).").format(member_name))
            return
        row["person_id"], row["holder_name"] = known
        result.warn("id_number", _("A person with this ID number is already on record ({}): the import will use the existing person record.").format(known[1]))

    # --- Importing -----------------------------------------------------------------------

    def apply_row(self, values, context, *, actor):
        row = self.checked_row(values, context)
        chamber = context["chamber"]
        membership_fields = {"rank": row["rank"], "branches": row["branches"], "member_number": row["member_number"],
                             "joined_on": row["joined_on"], "status": row["status"],
                             "reason": _("Imported from a spreadsheet")}
        try:
            if row["kind"] == MembershipKind.INDIVIDUAL:
                records, holder = self._apply_individual(chamber, actor, context, row, membership_fields)
            elif row["enterprise_id"]:
                records, holder = self._apply_existing_enterprise(chamber, actor, row, membership_fields)
            else:
                records, holder = self._apply_new_enterprise(chamber, actor, context, row, membership_fields)
        except ValidationError as exc:
            raise row_errors(exc, FIELD_COLUMNS) from None
        for record in records:
            record["name"] = row["name"]
        # Later rows of the same file see this member as existing.
        context["members_of"][holder] = row["name"]
        if row["member_number"]:
            context["member_numbers"].add(row["member_number"])
        return records

    def apply_rows(self, rows, context, *, actor):
        """Apply many rows at once (see members/imports/bulk.py): what apply_row does for each,
        with one insert per table. Every row must pass its check, and no two rows may name the
        same enterprise, person or member number; else a ValidationError and nothing is written
        (the caller then applies the rows one by one to find the culprit)."""
        parsed, taken = [], set()
        for values in rows:
            row = self.checked_row(values, context)
            keys = {("uscc", row["uscc"]), ("id", row["id_number"]), ("number", row["member_number"])}
            keys = {key for key in keys if key[1]}
            if keys & taken:
                raise ValidationError(_("Two rows name the same member."))
            taken |= keys
            parsed.append(row)
        records = member_register_many(chamber=context["chamber"], actor=actor, rows=parsed,
                                       reason=_("Imported from a spreadsheet"))
        for row, made in zip(parsed, records):
            by_kind = {record["made"]: record["id"] for record in made}
            if row["kind"] == MembershipKind.INDIVIDUAL:
                holder = ("p", row["person_id"] or by_kind["person"])
                if row["id_number"]:
                    context["people"][id_number_digest(row["id_number"])] = (holder[1], row["holder_name"])
            else:
                holder = ("e", row["enterprise_id"] or by_kind["enterprise"])
                if row["uscc"]:
                    context["enterprises"][row["uscc"]] = (holder[1], row["holder_name"])
            context["members_of"][holder] = row["name"]
            if row["member_number"]:
                context["member_numbers"].add(row["member_number"])
        return records

    def _apply_new_enterprise(self, chamber, actor, context, row, membership_fields):
        membership = member_register(
            chamber=chamber, actor=actor, kind=row["kind"], membership=membership_fields,
            enterprise={"name": row["name"], "uscc": row["uscc"], "industry_code": row["industry_code"],
                        "legal_representative": row["legal_representative"], "address": row["address"]},
            contact=row["contact"])
        records = [{"made": "enterprise", "id": membership.enterprise_id}]
        if row["contact"]:
            # member_register made the enterprise's only contact; one query finds it for undo.
            contact = Contact.objects.filter(chamber=chamber, enterprise_id=membership.enterprise_id).first()
            records += [{"made": "person", "id": contact.person_id}, {"made": "contact", "id": contact.pk}]
        records.append({"made": "membership", "id": membership.pk})
        if row["uscc"]:
            context["enterprises"][row["uscc"]] = (membership.enterprise_id, row["name"])
        return records, ("e", membership.enterprise_id)

    def _apply_individual(self, chamber, actor, context, row, membership_fields):
        if row["person_id"]:
            person = Person.objects.get(chamber=chamber, pk=row["person_id"])
            membership = membership_create(chamber=chamber, actor=actor, kind=MembershipKind.INDIVIDUAL,
                                           person=person, **membership_fields)
            return [{"made": "membership", "id": membership.pk}], ("p", person.pk)
        membership = member_register(
            chamber=chamber, actor=actor, kind=MembershipKind.INDIVIDUAL, membership=membership_fields,
            person={"name": row["name"], "id_number": row["id_number"], "gender": row["gender"], "mobile": row["mobile"]})
        if row["id_number"]:
            context["people"][id_number_digest(row["id_number"])] = (membership.person_id, row["name"])
        return ([{"made": "person", "id": membership.person_id}, {"made": "membership", "id": membership.pk}],
                ("p", membership.person_id))

    def _apply_existing_enterprise(self, chamber, actor, row, membership_fields):
        enterprise = Enterprise.objects.get(chamber=chamber, pk=row["enterprise_id"])
        membership = membership_create(chamber=chamber, actor=actor, kind=row["kind"], enterprise=enterprise,
                                       **membership_fields)
        records = []
        if row["contact"]:
            primary_before = list(Contact.objects.filter(chamber=chamber, enterprise=enterprise, is_primary=True)
                                  .values_list("pk", flat=True))
            contact = dict(row["contact"])
            title = contact.pop("title")
            try:
                person = person_create(chamber=chamber, actor=actor, **contact)
                made = contact_add(enterprise=enterprise, person=person, actor=actor, title=title, is_primary=True)
            except ValidationError as exc:
                raise row_errors(exc, CONTACT_COLUMNS) from None
            records += [{"made": "person", "id": person.pk},
                        {"made": "contact", "id": made.pk, "primary_before": primary_before}]
        records.append({"made": "membership", "id": membership.pk})
        return records, ("e", enterprise.pk)

    # --- Undo ----------------------------------------------------------------------------

    def undo_rows(self, records, *, chamber, actor, batch=None):
        made = {"membership": {}, "contact": {}, "person": {}, "enterprise": {}}
        primaries = []
        for row_records in reversed(records):
            for record in reversed(row_records):
                made[record["made"]][record["id"]] = record.get("name", "")
                primaries += record.get("primary_before", [])
        delete_made([
            (Membership, made["membership"], UNDO_ALLOWED),
            (Contact, made["contact"], UNDO_ALLOWED),
            (Person, made["person"], UNDO_ALLOWED),
            (Enterprise, made["enterprise"], UNDO_ALLOWED),
        ])
        # A contact the import made primary took the flag from the enterprise's earlier one.
        if primaries:
            Contact.objects.filter(chamber=chamber, pk__in=primaries).exclude(
                Q(enterprise__contacts__is_primary=True)).update(is_primary=True)
