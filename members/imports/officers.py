"""The officers import: one row per post held in a term (届), through members.officers."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.access import OFFICERS_CHANGE
from chamber.interchange.kinds import Column, ImportKindSpec, import_kind
from chamber.interchange.models import ImportKind
from chamber.crypto import id_number_digest
from chamber.validators import normalize_id_number, normalize_mobile, normalize_uscc

from ..models import Enterprise, OfficerPosition, Person, Post, Term
from ..officers import officer_appoint
from ..services import person_create
from .common import (
    branch_lookup,
    cell_date,
    cell_normalised,
    chinese_number,
    delete_made,
    find_branch,
    row_errors,
    text,
    too_long,
    word,
)

# The posts as secretariats write them (a file format, so fixed Chinese), with the usual variants.
POST_WORDS = {
    "名誉会长": Post.HONORARY_PRESIDENT, "会长": Post.PRESIDENT, "主席": Post.PRESIDENT,
    "执行会长": Post.EXECUTIVE_PRESIDENT, "常务副会长": Post.STANDING_VICE_PRESIDENT,
    "副会长": Post.VICE_PRESIDENT, "副主席": Post.VICE_PRESIDENT, "监事长": Post.CHIEF_SUPERVISOR,
    "监事会主席": Post.CHIEF_SUPERVISOR, "监事": Post.SUPERVISOR, "秘书长": Post.SECRETARY_GENERAL,
    "副秘书长": Post.DEPUTY_SECRETARY_GENERAL, "常务理事": Post.STANDING_COUNCIL_MEMBER, "常务执委": Post.STANDING_COUNCIL_MEMBER,
    "理事": Post.COUNCIL_MEMBER, "执委": Post.COUNCIL_MEMBER, "高级顾问": Post.SENIOR_ADVISER, "顾问": Post.SENIOR_ADVISER,
    **{value: value for value in Post.values},
}
FIELD_COLUMNS = {"person": "name", "enterprise": "enterprise", "branch": "branch", "post": "post",
                 "starts_on": "starts_on", "ends_on": "ends_on", "name": "name", "mobile": "mobile",
                 "id_number": "id_number"}


def _term_ordinal(value):
    """'第八届', '第8届', '八', '8' → 8; None when the text is not a bare ordinal."""
    value = value.strip()
    if value.startswith("第") and value.endswith("届"):
        value = value[1:-1]
    return chinese_number(value)


@import_kind
class OfficersImport(ImportKindSpec):
    kind = ImportKind.OFFICERS
    capability = OFFICERS_CHANGE
    columns = (
        Column("term", "届次", ("届别", "届", "任期"), required=True,
               help=gettext_lazy("The term by its number (第八届 or 8) or its name; it must exist."), example="第八届"),
        Column("post", "职务", ("担任职务", "职位"), required=True,
               help=gettext_lazy("会长, 执行会长, 常务副会长, 副会长, 监事长, 监事, 秘书长, 副秘书长, 常务理事, 理事, 名誉会长 or 高级顾问."),
               example="副会长"),
        Column("name", "姓名", ("人员姓名", "名字"), required=True, example="王建国"),
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证"),
               help=gettext_lazy("Finds the person; give it or the mobile.")),
        Column("mobile", "手机", ("手机号", "手机号码", "联系电话"),
               help=gettext_lazy("Finds the person (with the name) when there is no ID number."), example="13912345678"),
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码"),
               help=gettext_lazy("The enterprise the officer represents (optional).")),
        Column("enterprise", "所在企业", ("企业名称", "单位名称", "工作单位", "代表企业"),
               help=gettext_lazy("The enterprise by its name, when there is no code (optional).")),
        Column("branch", "所属分会", ("分会",), help=gettext_lazy("For a post in a branch (optional).")),
        Column("starts_on", "任职开始日期", ("开始日期", "任职日期", "起始日期"),
               help=gettext_lazy("Within the term; empty means the term's start.")),
        Column("ends_on", "任职结束日期", ("结束日期", "截止日期", "离任日期"), help=gettext_lazy("Within the term; may be empty.")),
    )

    def prepare(self, *, chamber, options):
        terms = list(Term.objects.filter(chamber=chamber))
        by_id, by_name_mobile = {}, {}
        # Keyed by the ID number's digest: the numbers themselves are encrypted at rest.
        for pk, name, mobile, digest in Person.objects.filter(chamber=chamber).order_by("pk").values_list(
                "pk", "name", "mobile", "id_number_digest"):
            if digest:
                by_id[digest] = (pk, name)
            if mobile:
                by_name_mobile.setdefault((name, mobile), pk)
        enterprises_by_name = {}
        enterprises_by_uscc = {}
        for pk, name, uscc in Enterprise.objects.filter(chamber=chamber).values_list("pk", "name", "uscc"):
            enterprises_by_name.setdefault(name.strip(), []).append(pk)
            if uscc:
                enterprises_by_uscc[uscc] = pk
        return {
            "chamber": chamber,
            "terms_by_ordinal": {term.ordinal: term for term in terms},
            "terms_by_name": {term.name.strip(): term for term in terms if term.name},
            "people_by_id": by_id,
            "people_by_name_mobile": by_name_mobile,
            "enterprises_by_uscc": enterprises_by_uscc,
            "enterprises_by_name": enterprises_by_name,
            "branches": branch_lookup(chamber),
            "positions": set(OfficerPosition.objects.filter(chamber=chamber).values_list(
                "term_id", "person_id", "post", "branch_id")),
        }

    def read_row(self, values, context, result):
        row = {}
        term_text = text(values, "term")
        row["term"] = context["terms_by_name"].get(term_text) or context["terms_by_ordinal"].get(_term_ordinal(term_text))
        if term_text and row["term"] is None:
            known = "、".join(str(t) for t in sorted(context["terms_by_ordinal"].values(), key=lambda t: t.ordinal))
            result.error("term", _("There is no term “{}” in this chamber; its terms are: {}.").format(
                term_text, known or _("(none)")))
        elif not term_text:
            result.error("term", _("Please give the term."))
        post_text = text(values, "post")
        row["post"] = word(post_text, POST_WORDS)
        if row["post"] is None and post_text:
            chinese = "、".join(name for name in POST_WORDS if name not in Post.values)
            result.error("post", _("“{}” is not a post; write one of: {}.").format(post_text, chinese))
        elif row["post"] is None:
            result.error("post", _("Please give the post."))
        row["name"] = text(values, "name")
        if not row["name"]:
            result.error("name", _("Please give the person's name."))
        too_long(values, "name", result, 60)
        row["id_number"] = cell_normalised(values, "id_number", result, normalize_id_number)
        row["mobile"] = cell_normalised(values, "mobile", result, normalize_mobile)
        self._find_person(values, context, result, row)
        self._find_enterprise(values, context, result, row)
        branch_name = text(values, "branch")
        row["branch"] = find_branch(branch_name, context["branches"], result, "branch") if branch_name else None
        self._read_dates(values, result, row)
        if row["term"] and row["post"] and row["person_id"] and (
                row["term"].pk, row["person_id"], row["post"], getattr(row["branch"], "pk", None)) in context["positions"]:
            result.error("post", _("{} already holds this post in this term.").format(row["name"]))
        return row

    def _find_person(self, values, context, result, row):
        row["person_id"] = None
        if not (text(values, "id_number") or text(values, "mobile")):
            result.error("id_number", _("Give the person's ID number or mobile, so that the right person is found."))
            return
        if row["id_number"]:
            known = context["people_by_id"].get(id_number_digest(row["id_number"]))
            if known and known[1] != row["name"]:
                result.error("id_number", _("This ID number belongs to {} in this chamber's records, not to {}.").format(
                    known[1], row["name"]))
                return
            if known:
                row["person_id"] = known[0]
                return
        elif row["mobile"]:
            row["person_id"] = context["people_by_name_mobile"].get((row["name"], row["mobile"]))
            if row["person_id"]:
                return
        if row["name"] and (row["id_number"] or row["mobile"]):
            result.warn("name", _("{} is not in this chamber's records yet: the import will add the person.").format(row["name"]))

    def _find_enterprise(self, values, context, result, row):
        row["enterprise_id"] = None
        uscc, name = text(values, "uscc"), text(values, "enterprise")
        if uscc:
            code = cell_normalised(values, "uscc", result, normalize_uscc)
            if code:
                row["enterprise_id"] = context["enterprises_by_uscc"].get(code)
                if row["enterprise_id"] is None:
                    result.error("uscc", _("There is no enterprise with this code in this chamber."))
        elif name:
            found = context["enterprises_by_name"].get(name, [])
            if len(found) == 1:
                row["enterprise_id"] = found[0]
            elif found:
                result.error("enterprise", _("Several enterprises are named “{}”; give the unified social credit code instead.").format(name))
            else:
                result.error("enterprise", _("There is no enterprise named “{}” in this chamber.").format(name))

    def _read_dates(self, values, result, row):
        # A term's posts may start and end in the future: no "not in the future" rule here.
        row["starts_on"] = cell_date(values, "starts_on", result, earliest=None, allow_future=True)
        row["ends_on"] = cell_date(values, "ends_on", result, earliest=None, allow_future=True)
        term = row["term"]
        if term is None:
            return
        for key in ("starts_on", "ends_on"):
            if row[key] and not term.starts_on <= row[key] <= term.ends_on:
                result.error(key, _("{} is outside the term ({} to {}).").format(row[key], term.starts_on, term.ends_on))
                row[key] = None
        if row["ends_on"] and row["ends_on"] < (row["starts_on"] or term.starts_on):
            result.error("ends_on", _("A post must end after it starts."))

    def apply_row(self, values, context, *, actor):
        row = self.checked_row(values, context)
        chamber = context["chamber"]
        records = []
        try:
            if row["person_id"]:
                person = Person.objects.get(chamber=chamber, pk=row["person_id"])
            else:
                person = person_create(chamber=chamber, actor=actor, name=row["name"], id_number=row["id_number"],
                                       mobile=row["mobile"])
                records.append({"made": "person", "id": person.pk, "name": person.name})
                # A second post of the same person further down the file finds this one.
                if person.id_number:
                    context["people_by_id"][person.id_number_digest] = (person.pk, person.name)
                if person.mobile:
                    context["people_by_name_mobile"].setdefault((person.name, person.mobile), person.pk)
            enterprise = Enterprise.objects.get(chamber=chamber, pk=row["enterprise_id"]) if row["enterprise_id"] else None
            position = officer_appoint(term=row["term"], actor=actor, person=person, post=row["post"],
                                       enterprise=enterprise, branch=row["branch"], starts_on=row["starts_on"],
                                       ends_on=row["ends_on"])
        except ValidationError as exc:
            raise row_errors(exc, FIELD_COLUMNS) from None
        context["positions"].add((row["term"].pk, person.pk, row["post"], getattr(row["branch"], "pk", None)))
        records.append({"made": "position", "id": position.pk, "name": person.name})
        return records

    def undo_rows(self, records, *, chamber, actor, batch=None):
        made = {"position": {}, "person": {}}
        for row_records in reversed(records):
            for record in reversed(row_records):
                made[record["made"]][record["id"]] = record.get("name", "")
        delete_made([(OfficerPosition, made["position"], set()), (Person, made["person"], set())])
