"""Demo charity data (`seed_demo` calls seed_charity per chamber): a disaster-relief drive with
a public honour roll and an education fund, recipients, and a dozen donations from members,
a branch, an officer and an outside donor — money and goods, some partly received, one
pledge withdrawn and one receipt reversed. Idempotent: a chamber that has the drive already
is left alone. Everything goes through the services, so the ledger and receipts are real."""
import datetime
from decimal import Decimal

from django.utils import timezone

from branches.models import Branch
from members.models import Membership, MembershipStatus, OfficerPosition

from .models import DonationEntry, Programme
from .services import (
    donation_entry_reverse,
    donation_receive,
    donation_record,
    donation_withdraw,
    programme_create,
    recipient_add,
)

DRIVE = "抗洪救灾爱心捐赠"
FUND = "光彩助学基金"


def seed_charity(*, chamber, actor):
    """Seed `chamber`'s demo programmes and donations (call inside scope(chamber=chamber))."""
    if Programme.objects.filter(chamber=chamber, name=DRIVE).exists():
        return None
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    drive = programme_create(chamber=chamber, actor=actor, name=DRIVE, kind="disaster_relief",
                             goal_amount=Decimal("500000"), starts_on=start, ends_on=today + datetime.timedelta(days=30),
                             description="支援受灾地区群众生活恢复和灾后重建。", honour_roll_public=True)
    fund = programme_create(chamber=chamber, actor=actor, name=FUND, kind="education", form="fund",
                            goal_amount=Decimal("200000"), starts_on=start - datetime.timedelta(days=300),
                            description="资助家庭困难学生完成学业。")
    area = recipient_add(programme=drive, actor=actor, name="受灾乡镇群众", kind="area", address="河南省新乡市")
    school = recipient_add(programme=fund, actor=actor, name="希望小学", kind="school", address="四川省凉山州")
    recipient_add(programme=fund, actor=actor, name="困难学生家庭", kind="person")

    def on(days_ago):
        return today - datetime.timedelta(days=days_ago)

    def received(amount, days_ago, method="bank_transfer"):
        return {"amount": amount, "on": on(days_ago), "method": method, "reference": ""}

    members = list(Membership.objects.filter(chamber=chamber, status=MembershipStatus.ACTIVE).order_by("pk")[:6])
    donations = []
    for index, member in enumerate(members):
        amount = Decimal(50000 - index * 5000)
        part = amount if index % 2 == 0 else amount / 2
        programme = drive if index < 4 else fund
        donations.append(donation_record(
            programme=programme, actor=actor, donor_kind="member", membership=member, form="money", amount=amount,
            pledged_on=on(50 - index), anonymous=index == 3, received=received(part, 45 - index)))
    branch = Branch.objects.filter(chamber=chamber).order_by("path").first()
    if branch is not None:
        donation_record(programme=drive, actor=actor, donor_kind="branch", branch=branch, form="goods",
                        amount=Decimal("18000"), goods_description="矿泉水 500 箱、方便面 300 箱", pledged_on=on(40),
                        recipient=area, received=received(Decimal("18000"), 38))
    officer = OfficerPosition.objects.filter(chamber=chamber).select_related("person").order_by("pk").first()
    if officer is not None:
        donation_record(programme=fund, actor=actor, donor_kind="officer", person=officer.person, form="money",
                        amount=Decimal("30000"), pledged_on=on(35), recipient=school,
                        received=received(Decimal("30000"), 30))
    outside = donation_record(programme=drive, actor=actor, donor_kind="outside", donor_name="爱心人士陈女士",
                              form="money", amount=Decimal("5000"), pledged_on=on(20))
    donation_receive(donation=outside, actor=actor, amount=Decimal("3000"), received_on=on(15), method="wechat_pay")
    donation_withdraw(donation=outside, actor=actor, amount=Decimal("2000"), reason="捐赠人联系不上，认捐余额撤回")
    goods = donation_record(programme=fund, actor=actor, donor_kind="outside", donor_name="某文具公司", form="goods",
                            amount=Decimal("6000"), goods_description="书包 200 个", pledged_on=on(10),
                            received=received(Decimal("6000"), 8))
    # A receipt recorded twice by mistake, then reversed: the record shows both.
    extra = donation_record(programme=drive, actor=actor, donor_kind="outside", donor_name="郑先生", form="money",
                            amount=Decimal("2000"), pledged_on=on(5), received=received(Decimal("1000"), 4, "cash"))
    mistaken = donation_receive(donation=extra, actor=actor, amount=Decimal("1000"), received_on=on(4), method="cash")
    donation_entry_reverse(entry=mistaken, actor=actor, reason="重复登记，冲正")
    return {"programmes": 2, "donations": len(donations) + 5, "entries": DonationEntry.objects.filter(
        chamber=chamber).count(), "goods": goods.pk}
