"""The donations import (see chamber/interchange/kinds.py): one row per donation to the
programme chosen for the file, optionally with what was received on it, through
charity.services. Ledger entries are never deleted, so undo reverses the receipts the
import recorded and withdraws the pledges: the programme's totals return to what they were."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.access import MONEY_RECORD
from chamber.forms import StyledForm
from chamber.interchange.cells import parse_yes_no
from chamber.interchange.kinds import ROW, Column, ImportKindSpec, import_kind
from chamber.interchange.models import ImportKind
from chamber.ledger import MAX_AMOUNT
from chamber.models import EntryKind, PaymentMethod
from chamber.validators import normalize_uscc
from members.imports.common import (
    branch_lookup,
    cell_date,
    cell_normalised,
    cell_number,
    find_branch,
    row_errors,
    text,
    too_long,
    word,
)
from members.models import Membership, MembershipStatus, OfficerPosition, Person


from .models import Donation, DonationEntry, DonationForm, DonorKind, Programme
from .services import donation_entry_reverse, donation_record, donation_withdraw

DONOR_WORDS = {
    "会员": DonorKind.MEMBER, "会员企业": DonorKind.MEMBER, "会员单位": DonorKind.MEMBER, "member": DonorKind.MEMBER,
    "分会": DonorKind.BRANCH, "branch": DonorKind.BRANCH,
    "班子成员": DonorKind.OFFICER, "领导班子": DonorKind.OFFICER, "会领导": DonorKind.OFFICER, "officer": DonorKind.OFFICER,
    "会外捐赠者": DonorKind.OUTSIDE, "社会人士": DonorKind.OUTSIDE, "社会爱心人士": DonorKind.OUTSIDE,
    "个人": DonorKind.OUTSIDE, "非会员": DonorKind.OUTSIDE, "社会捐赠": DonorKind.OUTSIDE, "outside": DonorKind.OUTSIDE,
}
FORM_WORDS = {"资金": DonationForm.MONEY, "现金": DonationForm.MONEY, "钱款": DonationForm.MONEY, "善款": DonationForm.MONEY,
              "money": DonationForm.MONEY, "物资": DonationForm.GOODS, "实物": DonationForm.GOODS,
              "goods": DonationForm.GOODS}
METHOD_WORDS = {"银行转账": PaymentMethod.BANK_TRANSFER, "转账": PaymentMethod.BANK_TRANSFER, "对公转账": PaymentMethod.BANK_TRANSFER,
                "现金": PaymentMethod.CASH, "微信": PaymentMethod.WECHAT_PAY, "微信支付": PaymentMethod.WECHAT_PAY,
                "支付宝": PaymentMethod.ALIPAY, "其他": PaymentMethod.OTHER,
                **{value: value for value in PaymentMethod.values if value != PaymentMethod.GOODS}}
FIELD_COLUMNS = {"membership": "donor_name", "branch": "donor_name", "person": "donor_name", "donor_name": "donor_name",
                 "amount": "amount", "pledged_on": "pledged_on", "goods_description": "goods_description",
                 "form": "form", "received_amount": "received_amount", "received_on": "received_on",
                 "received_method": "method", "method": "method", "received_reference": "reference",
                 "programme": ROW, "donor_kind": "donor_kind"}


class DonationImportOptions(StyledForm):
    """The programme the file's donations go to (an open programme of the chamber); kept on
    the batch as its id."""

    programme = forms.TypedChoiceField(label=gettext_lazy("programme"), coerce=int)

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = list(
            Programme.objects.filter(chamber=chamber, is_closed=False).order_by("-starts_on", "pk").values_list("pk", "name"))


@import_kind
class DonationsImport(ImportKindSpec):
    kind = ImportKind.DONATIONS
    capability = MONEY_RECORD
    options_form = DonationImportOptions
    columns = (
        Column("donor_kind", "捐赠方类型", ("捐赠者类型", "捐赠人类型", "捐赠方式类型"),
               help=gettext_lazy("会员, 分会, 班子成员 or 会外捐赠者 (社会人士, 个人); empty: 会员 when a code or member number is given, else 会外捐赠者."),
               example="会员"),
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码"), help=gettext_lazy("Finds a member donor.")),
        Column("member_number", "会员编号", ("会员号",), help=gettext_lazy("Finds a member donor.")),
        Column("donor_name", "捐赠方", ("捐赠人", "捐赠者", "捐赠单位", "捐赠方名称", "会员名称", "企业名称", "单位名称", "姓名"),
               help=gettext_lazy("A member (when there is no code or number), a branch or an officer by name; an outside donor's name."),
               example="苏州光电缆有限公司"),
        Column("anonymous", "匿名", ("是否匿名",), help=gettext_lazy("是 or 否; empty means 否.")),
        Column("form", "捐赠形式", ("形式",), help=gettext_lazy("资金 or 物资; empty means 资金."), example="资金"),
        Column("amount", "认捐金额（元）", ("认捐金额", "捐赠金额", "金额", "折价金额"), required=True,
               help=gettext_lazy("In yuan, up to two decimal places; for goods their value."), example="50000"),
        Column("goods_description", "物资说明", ("物资名称", "捐赠物资", "物资"), help=gettext_lazy("Required for goods.")),
        Column("pledged_on", "认捐日期", ("捐赠日期", "日期"), required=True, example="2024-07-20"),
        Column("received_amount", "到账金额（元）", ("到账金额", "实收金额", "收款金额"),
               help=gettext_lazy("What was received so far (optional): a receipt is recorded with the donation.")),
        Column("received_on", "到账日期", ("收款日期", "到账时间"), help=gettext_lazy("Empty means the pledge date.")),
        Column("method", "收款方式", ("付款方式", "支付方式"),
               help=gettext_lazy("银行转账, 现金, 微信支付, 支付宝 or 其他; needed for money received.")),
        Column("reference", "凭证号", ("流水号", "转账凭证", "交易流水号")),
        Column("note", "备注", ("说明",)),
    )

    def prepare(self, *, chamber, options):
        programme = Programme.objects.filter(chamber=chamber, pk=(options or {}).get("programme")).first()
        members = {"uscc": {}, "number": {}, "name": {}}
        for pk, uscc, number, name, status in Membership.objects.filter(chamber=chamber).values_list(
                "pk", "enterprise__uscc", "member_number", "name", "status"):
            current = status != MembershipStatus.LEFT
            # A code names the current membership if there is one, else the last one.
            if uscc and (current or uscc not in members["uscc"]):
                members["uscc"][uscc] = (pk, name, status)
            if number:
                members["number"][number] = (pk, name, status)
            if current:
                members["name"].setdefault(name.strip(), []).append(pk)
        officers = {}
        people = Person.objects.filter(chamber=chamber, pk__in=OfficerPosition.objects.filter(chamber=chamber)
                                       .values("person_id")).values_list("pk", "name")
        for pk, name in people:
            officers.setdefault(name.strip(), []).append(pk)
        return {"chamber": chamber, "programme": programme, "members": members, "officers": officers,
                "branches": branch_lookup(chamber)}

    def read_row(self, values, context, result):
        row = {"membership_id": None, "branch": None, "person_id": None}
        programme = context["programme"]
        if programme is None or programme.is_closed:
            result.error(ROW, _("The chosen programme does not exist or is closed; upload the file again for an open programme."))
        for key, limit in (("donor_name", 200), ("goods_description", 500), ("reference", 100), ("note", 500)):
            too_long(values, key, result, limit)
        kind_text = text(values, "donor_kind")
        if kind_text:
            row["donor_kind"] = word(kind_text, DONOR_WORDS)
            if row["donor_kind"] is None:
                result.error("donor_kind", _("“{}” is not a kind of donor; write 会员, 分会, 班子成员 or 会外捐赠者.").format(kind_text))
        else:
            has_member = text(values, "uscc") or text(values, "member_number")
            row["donor_kind"] = DonorKind.MEMBER if has_member else DonorKind.OUTSIDE
        row["donor_name"] = text(values, "donor_name")
        self._find_donor(values, context, result, row)
        try:
            row["anonymous"] = bool(parse_yes_no(text(values, "anonymous")))  # empty: not anonymous
        except ValidationError as exc:
            row["anonymous"] = None
            result.error("anonymous", exc.messages[0])
        form_text = text(values, "form")
        row["form"] = word(form_text, FORM_WORDS) if form_text else DonationForm.MONEY
        if row["form"] is None:
            result.error("form", _("Write 资金 or 物资."))
        row["goods_description"] = text(values, "goods_description")
        if row["form"] == DonationForm.GOODS and not row["goods_description"]:
            result.error("goods_description", _("Describe the goods donated."))
        self._read_money(values, result, row)
        return row

    def _find_donor(self, values, context, result, row):
        kind, name = row["donor_kind"], row["donor_name"]
        if kind == DonorKind.MEMBER:
            uscc = cell_normalised(values, "uscc", result, normalize_uscc)
            number = text(values, "member_number")
            if uscc or number:
                found = context["members"]["uscc"].get(uscc) if uscc else context["members"]["number"].get(number)
                key = "uscc" if uscc else "member_number"
                if found is None:
                    result.error(key, _("There is no member with this code or number in this chamber."))
                elif found[2] == MembershipStatus.LEFT:
                    result.error(key, _("{} has left the chamber.").format(found[1]))
                else:
                    row["membership_id"] = found[0]
            elif name:
                found = context["members"]["name"].get(name, [])
                if len(found) == 1:
                    row["membership_id"] = found[0]
                else:
                    result.error("donor_name", _("There is no member named “{}” in this chamber.").format(name) if not found
                                 else _("Several members are named “{}”; give the code or member number.").format(name))
            elif not text(values, "uscc"):
                result.error("donor_name", _("Give the member's code, member number or name."))
        elif kind == DonorKind.BRANCH:
            if name:
                row["branch"] = find_branch(name, context["branches"], result, "donor_name")
            else:
                result.error("donor_name", _("Give the branch's name."))
        elif kind == DonorKind.OFFICER:
            found = context["officers"].get(name, [])
            if len(found) == 1:
                row["person_id"] = found[0]
            else:
                result.error("donor_name", _("No officer of this chamber is named “{}”.").format(name) if not found
                             else _("Several officers are named “{}”.").format(name))
        elif kind == DonorKind.OUTSIDE and not name:
            result.error("donor_name", _("Please give the donor's name."))

    def _read_money(self, values, result, row):
        row["amount"] = cell_number(values, "amount", result)
        if row["amount"] is not None and not 0 < row["amount"] <= MAX_AMOUNT:
            result.error("amount", _("The amount must be greater than zero.") if row["amount"] <= 0
                         else _("This amount is too large."))
            row["amount"] = None
        elif row["amount"] is None and not text(values, "amount"):
            result.error("amount", _("Please give the amount."))
        row["pledged_on"] = cell_date(values, "pledged_on", result)
        if row["pledged_on"] is None and not text(values, "pledged_on"):
            result.error("pledged_on", _("Please give the date of the pledge."))
        row["received"] = None
        received = cell_number(values, "received_amount", result)
        if received is None or received == 0:
            for key in ("received_on", "method", "reference"):
                if text(values, key):
                    result.warn(key, _("Nothing was received: this cell is not imported."))
            return
        if row["amount"] is not None and received > row["amount"]:
            result.error("received_amount", _("More was received than pledged."))
        method_text = text(values, "method")
        method = word(method_text, METHOD_WORDS) if method_text else None
        if row["form"] == DonationForm.GOODS:
            method = PaymentMethod.GOODS
        elif method is None:
            result.error("method", _("“{}” is not a way of payment; write 银行转账, 现金, 微信支付, 支付宝 or 其他.").format(method_text)
                         if method_text else _("Say how the money was received: 银行转账, 现金, 微信支付, 支付宝 or 其他."))
        received_on = cell_date(values, "received_on", result)
        row["received"] = {"amount": received, "on": received_on or row["pledged_on"], "method": method,
                           "reference": text(values, "reference")}

    def apply_row(self, values, context, *, actor):
        row = self.checked_row(values, context)
        chamber = context["chamber"]
        membership = Membership.objects.get(chamber=chamber, pk=row["membership_id"]) if row["membership_id"] else None
        person = Person.objects.get(chamber=chamber, pk=row["person_id"]) if row["person_id"] else None
        try:
            donation = donation_record(
                programme=context["programme"], actor=actor, donor_kind=row["donor_kind"], form=row["form"],
                amount=row["amount"], pledged_on=row["pledged_on"], membership=membership, branch=row["branch"],
                person=person, donor_name=row["donor_name"], goods_description=row["goods_description"],
                anonymous=row["anonymous"], note=text(values, "note"), received=row["received"])
        except ValidationError as exc:
            raise row_errors(exc, FIELD_COLUMNS) from None
        entries = list(DonationEntry.objects.filter(chamber=chamber, donation=donation).values_list("pk", flat=True))
        return [{"made": "donation", "id": donation.pk, "entries": entries, "name": donation.donor_name}]

    def undo_rows(self, records, *, chamber, actor, batch=None):
        flat = [record for row_records in reversed(records) for record in reversed(row_records)]
        donations = {d.pk: d for d in Donation.objects.filter(chamber=chamber, pk__in=[r["id"] for r in flat])
                     .select_related("programme")}
        entries = {}
        for entry in DonationEntry.objects.filter(chamber=chamber, donation_id__in=list(donations)).order_by("pk"):
            entries.setdefault(entry.donation_id, []).append(entry)
        # Money posted on these donations since the import is someone's real work: refuse.
        used = sorted({r["name"] for r in flat if r["id"] not in donations or
                       {e.pk for e in entries.get(r["id"], [])} != set(r["entries"])})
        if used:
            raise ValidationError(_(
                "This import cannot be undone: donations it recorded have had money received, withdrawn or "
                "reversed since, from: {}. Nothing was changed."
            ).format("、".join(used)))
        reason = _("Import undone {}").format("#{}".format(batch.pk) if batch is not None else "").strip()
        for record in flat:
            donation = donations[record["id"]]
            for entry in reversed(entries.get(donation.pk, [])):
                if entry.kind == EntryKind.SETTLEMENT:
                    donation_entry_reverse(entry=entry, actor=actor, reason=reason)
            donation.refresh_from_db(fields=["settled_amount", "written_off_amount"])
            if donation.outstanding > 0:
                donation_withdraw(donation=donation, actor=actor, amount=donation.outstanding, reason=reason)
