"""Starter rubrics a federation can install in one click, shipped as JSON documents in the
interchange format (see `evaluations.interchange`) next to this file:

- 01 the Nanjing star rating of grassroots chambers (100 points; 会务 / 硬件 / 发展, 14 items,
  23 sub-items; four stars ≥ 80 after three stars held a year, five stars ≥ 90 after four
  held a year; valid three years);
- 02, 03 the "four good" chamber, 2017 and 2019 criteria: two versions of one scheme;
- 04 the "five good" county federation;
- 05 the social-organisation grade 1A–5A on 1000 points, thresholds to be set locally.

The item texts are ours, written to be edited: a federation copies a starter to a new
version (or edits it before any campaign uses it) to match its own rules.
"""
import json
from pathlib import Path

from django.db import transaction

from chamber.models import Chamber

from ..interchange import version_import
from ..models import SchemeVersion

STARTERS_DIR = Path(__file__).resolve().parent


def starter_documents():
    """The starter documents, in file-name order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(STARTERS_DIR.glob("*.json"))]


@transaction.atomic
def starter_schemes_install(*, chamber, actor):
    """Install the starters `chamber` does not have yet; idempotent: a starter whose scheme
    (by name) already has a version with the starter's label is left alone, whatever was
    edited in it since. Returns the versions created."""
    # Two clicks at once must not both install: the second waits here, then finds all there.
    Chamber.objects.select_for_update().filter(pk=chamber.pk).first()
    created = []
    for document in starter_documents():
        exists = SchemeVersion.objects.filter(
            chamber=chamber, scheme__name=document["scheme"]["name"], label=document["version"]["label"],
        ).exists()
        if not exists:
            created.append(version_import(chamber=chamber, actor=actor, document=document))
    return created
