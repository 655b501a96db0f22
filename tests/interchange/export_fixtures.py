"""Fixtures and helpers of the export tests: signed-in clients, private storage in a
temporary folder, a small roster with contacts, and readers of the files the exports make
(the .xlsx opened with openpyxl, the CSV with csv).

Use with `from .export_fixtures import *` in a test module.
"""
import csv
import datetime
import io
from urllib.parse import urlencode

import openpyxl
import pytest
from django.test import Client
from django_scopes import scope

from members.models import MembershipKind, MembershipStatus, Rank
from members.services import (
    contact_add,
    enterprise_create,
    membership_change_status,
    membership_create,
    person_create,
)

from ..factories import make_id_number, make_uscc

__all__ = ["client_as", "export_media", "roster", "export_url", "fetch", "xlsx_rows", "csv_rows", "body",
           "MOBILE", "ID_NUMBER"]

MOBILE = "13912345678"
ID_NUMBER = make_id_number(7)


@pytest.fixture
def client_as():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def export_media(settings, tmp_path):
    """Background export files go to a temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def roster(chamber, branches, member):
    """The conftest's member (光缆 sub-committee, 副会长单位) given a primary contact, plus
    `=cmd` 科技 (a name a spreadsheet would run as a formula) in the display branch, a
    lapsed member, and an individual member."""
    with scope(chamber=chamber):
        ranks = {r.code: r for r in Rank.objects.filter(chamber=chamber)}
        boss = person_create(chamber=chamber, actor=None, name="张伟", mobile=MOBILE, id_number=ID_NUMBER)
        contact_add(enterprise=member.enterprise, person=boss, actor=None, title="总经理", is_primary=True)

        formula = enterprise_create(chamber=chamber, actor=None, name="=cmd|' /C calc'!A0 科技有限公司",
                                    uscc=make_uscc(100002), legal_representative="@李四")
        formula_member = membership_create(
            chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=formula, rank=ranks["member"],
            branches=[branches["display"]], status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 3, 1),
            member_number="GD-002")
        lapsed_enterprise = enterprise_create(chamber=chamber, actor=None, name="苏州停缴光电有限公司",
                                              uscc=make_uscc(100003))
        lapsed = membership_create(
            chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=lapsed_enterprise,
            rank=ranks["member"], branches=[branches["cable"]], status=MembershipStatus.ACTIVE,
            joined_on=datetime.date(2018, 1, 1), member_number="GD-003")
        lapsed = membership_change_status(membership=lapsed, actor=None, status=MembershipStatus.LAPSED,
                                          reason="未缴会费")
        person = person_create(chamber=chamber, actor=None, name="刘个人", mobile="13800001111")
        individual = membership_create(
            chamber=chamber, actor=None, kind=MembershipKind.INDIVIDUAL, person=person, rank=ranks["member"],
            branches=[branches["display"]], status=MembershipStatus.ACTIVE, joined_on=datetime.date(2021, 6, 1),
            member_number="GD-004")
    return {"member": member, "formula": formula_member, "lapsed": lapsed, "individual": individual,
            "boss": boss}


def export_url(chamber, kind, /, **params):
    query = urlencode(params, doseq=True)
    return "/c/{}/exports/{}/{}".format(chamber.slug, kind, "?" + query if query else "")


def body(response):
    """The whole body of a response, streamed or not."""
    return response.getvalue()


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def xlsx_rows(response_or_bytes):
    """The active sheet's rows as tuples of values, and the sheet (for types and styles)."""
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else body(response_or_bytes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)], sheet


def csv_rows(response_or_bytes):
    """(starts with a BOM, rows as lists of text)."""
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else body(response_or_bytes)
    return data.startswith("\ufeff".encode("utf-8")), list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
