"""A campaign's results: every submitted sheet's totals, each subject's group result, its
grade and its rank, computed in a fixed number of queries whatever the campaign's size.

The sums come from the database in one aggregate query over the score entries (exact:
NUMERIC in PostgreSQL, Decimal in Python); the bonus cap, the rounding, the mean, the
grade and the ranking are grading's pure functions. Only rows whose values changed are
written back, so recomputing an unchanged campaign writes nothing.

Target: 2,000 subjects × 23 sub-items × 3 reviewers ranked and graded in ≤ 1 s on
PostgreSQL (`manage.py bench_evaluations`, docs/benchmarks.md).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum, Value
from django.db.models.fields import DecimalField

from . import grading
from .models import CampaignReviewer, ResultMode, ScoreEntry, ScoreSheet, SheetKind, Submission, SubmissionStatus
from .ratings import held_ratings_by_subject, subject_key
from .rubrics import version_grade_specs, version_leaf_rules

S = SubmissionStatus
# Results (total, grade) are computed for scored submissions not yet decided: a decision
# fixes the grade, and a passed one still waits for its sheets (no result yet). Ranking
# covers everyone still in the running, decided or not.
COMPUTED = {S.SCORED}
UNDECIDED = {S.PASSED, S.SCORED}
RANKED = {S.PASSED, S.SCORED, S.DECIDED, S.PUBLISHED, S.AWARDED}
SHEET_FIELDS = ["base_total", "bonus_total", "total", "vetoed"]
SUBMISSION_FIELDS = ["result_total", "vetoed", "grade_level", "grade_label", "ranking"]
BATCH = 1000


def reference_date(campaign):
    """The day prerequisites and validity are judged on: the campaign's decision date."""
    return campaign.decision_due


@dataclass
class ResultSummary:
    sheets: int = 0
    sheets_changed: int = 0
    submissions: int = 0
    submissions_changed: int = 0
    ranked: int = 0


def _submitted_sheets(campaign):
    # No ordering: the default one (by submission, hence by campaign) would join both.
    return ScoreSheet.objects.filter(chamber_id=campaign.chamber_id, submission__campaign_id=campaign.pk,
                                     submitted_at__isnull=False).order_by()


def sheet_sums(campaign, leaf_rules):
    """The one aggregate query: per submitted sheet of the campaign, the sum of its base
    points, the sum of its bonus points (before the cap) and how many veto items it
    answered no. Rows: (sheet id, base, bonus, vetoes)."""
    bonus_ids = [pk for pk, rule in leaf_rules.items() if rule.is_bonus]
    veto_ids = [pk for pk, rule in leaf_rules.items() if rule.is_veto]
    zero = Value(Decimal("0"), output_field=DecimalField())
    if bonus_ids:
        base = Sum("points", filter=~Q(indicator_id__in=bonus_ids))
        bonus = Sum("points", filter=Q(indicator_id__in=bonus_ids))
    else:  # an empty IN () would be an always-false condition: say what is meant instead
        base, bonus = Sum("points"), zero
    vetoes = Count("pk", filter=Q(indicator_id__in=veto_ids, answer=False)) if veto_ids else Value(0)
    return (
        # A semi-join on the sheets and a one-column group: three times faster than
        # grouping by the joined sheet's columns (110 against 380 ms for 184,000 scores).
        ScoreEntry.objects.filter(chamber_id=campaign.chamber_id, sheet_id__in=_submitted_sheets(campaign).values("pk"))
        .values("sheet_id").annotate(base=base, bonus=bonus, vetoes=vetoes).order_by()
        .values_list("sheet_id", "base", "bonus", "vetoes")
    )


def group_result(campaign, reviewer_sheets, consensus_sheet):
    """(total, vetoed) of one submission from its sheets' (total, vetoed) pairs.

    Mean mode: the mean of the reviewers' totals rounded once; a veto found by any
    reviewer fails the subject (a veto is a fact seen on site, not a matter of averaging).
    Consensus mode: the group's one consensus sheet."""
    if campaign.result_mode == ResultMode.CONSENSUS:
        if consensus_sheet is None:
            return None, False
        return consensus_sheet
    if not reviewer_sheets:
        return None, False
    return grading.mean_total(t for t, _v in reviewer_sheets), any(v for _t, v in reviewer_sheets)


def campaign_compute_results(campaign, *, on=None):
    """Recompute and store every submitted sheet's totals and each submission's result,
    grade and rank. Seven queries whatever the size: leaves, grade rules, the submitted
    sheets, the aggregate of their scores, the groups' reviewers, the submissions, the
    held ratings; then at most one write per table (rows that changed only)."""
    version = campaign.version
    leaf_rules = version_leaf_rules(version)
    grades = version_grade_specs(version)
    cap = Decimal(version.bonus_cap)
    summary = ResultSummary()

    sheets = {row[0]: row[1:] for row in _submitted_sheets(campaign).values_list(
        "pk", "submission_id", "kind", "reviewer_id", *SHEET_FIELDS)}
    changed_sheets = []
    reviewer = {}  # submission id -> [(reviewer id, total, vetoed)]
    consensus = {}  # submission id -> (total, vetoed)
    for sheet_id, base, bonus, vetoes in sheet_sums(campaign, leaf_rules):
        if sheet_id not in sheets:
            continue  # submitted between the two reads: the next computation counts it
        submission_id, kind, reviewer_id, *stored = sheets[sheet_id]
        summary.sheets += 1
        base = grading.quantize(base or 0)
        bonus = grading.quantize(min(bonus or grading.ZERO, cap))
        values = (base, bonus, grading.quantize(base + bonus), bool(vetoes))
        if tuple(stored) != values:
            changed_sheets.append((sheet_id, *values))
        if kind == SheetKind.REVIEWER:
            reviewer.setdefault(submission_id, []).append((reviewer_id, values[2], values[3]))
        elif kind == SheetKind.CONSENSUS:
            consensus[submission_id] = (values[2], values[3])

    # The mean waits for the members of the submission's group (as scoring does); sheets
    # of reviewers since moved to another group do not count.
    members = {}
    if campaign.result_mode == ResultMode.MEAN:
        for group_id, user_id in CampaignReviewer.objects.filter(
                chamber_id=campaign.chamber_id, campaign_id=campaign.pk, group__isnull=False).values_list(
                "group_id", "user_id"):
            members.setdefault(group_id, set()).add(user_id)

    submissions = list(Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk).order_by().values_list(
        "pk", "status", "subject_branch_id", "subject_chamber_id", "applied_level", "group_id", *SUBMISSION_FIELDS))
    held = held_ratings_by_subject(
        scheme=version.scheme,
        branch_ids={row[2] for row in submissions if row[2]},
        chamber_ids={row[3] for row in submissions if row[3]},
    )
    on = on or reference_date(campaign)
    new = {}  # submission id -> (result_total, vetoed, grade_level, grade_label)
    for pk, status, branch_id, chamber_id, applied_level, group_id, *stored in submissions:
        if status in COMPUTED:
            expected = members.get(group_id)
            sheets_in = [(t, v) for r, t, v in reviewer.get(pk, ()) if expected is None or r in expected]
            total, vetoed = group_result(campaign, sheets_in, consensus.get(pk))
            grade = grading.grade_for(
                total, vetoed=vetoed, grades=grades, on=on, applied_level=applied_level,
                held=held.get(subject_key(branch_id=branch_id, chamber_id=chamber_id), ()),
                enforce_prerequisites=campaign.enforce_prerequisites,
            ).grade
            new[pk] = (total, vetoed, grade.level if grade else None, grade.label if grade else "")
        elif status in UNDECIDED:
            new[pk] = (None, False, None, "")
        else:
            new[pk] = tuple(stored[:4])
    ranks = grading.competition_ranks([(row[0], *new[row[0]][:2]) for row in submissions if row[1] in RANKED])

    changed_submissions = []
    for pk, _status, _b, _c, _a, _g, *stored in submissions:
        summary.submissions += 1
        values = (*new[pk], ranks.get(pk))
        summary.ranked += values[4] is not None
        if tuple(stored) != values:
            changed_submissions.append((pk, *values))

    write_rows(ScoreSheet, changed_sheets, SHEET_FIELDS, chamber_id=campaign.chamber_id)
    write_rows(Submission, changed_submissions, SUBMISSION_FIELDS, chamber_id=campaign.chamber_id)
    summary.sheets_changed, summary.submissions_changed = len(changed_sheets), len(changed_submissions)
    return summary


def write_rows(model, rows, fields, *, chamber_id):
    """Save `fields` of many rows of one chamber; `rows` are (pk, *values) tuples.

    On PostgreSQL one `UPDATE … FROM unnest(arrays)` per table: Django's bulk_update
    writes a CASE WHEN per row and field, which took 14 s for a fresh campaign of 2,000
    subjects (8,000 sheets), and building the model instances alone took 0.75 s.
    Elsewhere (SQLite in development and tests) bulk_update, fine at those sizes.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(pk=row[0], chamber_id=chamber_id, **dict(zip(fields, row[1:]))) for row in rows]
        model.objects.bulk_update(objs, fields, batch_size=BATCH)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    arrays = [list(column) for column in zip(*rows)]
    casts = [pk.rel_db_type(connection)] + [f.db_type(connection) for f in columns]
    quote = connection.ops.quote_name
    names = ["id"] + ["v{}".format(i) for i in range(len(columns))]
    sql = "UPDATE {table} AS t SET {sets} FROM unnest({arrays}) AS v({names}) WHERE t.{pk} = v.id AND t.{chamber} = %s".format(
        table=quote(meta.db_table),
        sets=", ".join("{} = v.{}".format(quote(f.column), name) for f, name in zip(columns, names[1:])),
        arrays=", ".join("%s::{}[]".format(cast) for cast in casts),
        names=", ".join(names), pk=quote(pk.column), chamber=quote(meta.get_field("chamber").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arrays, chamber_id])
