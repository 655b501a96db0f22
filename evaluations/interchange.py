"""Rubrics in and out: a version as a JSON document or an Excel workbook, and back.

The JSON document ("chamber-rubric", format version 1) — what `version_document` writes
and `version_import` reads; the starter schemes in `evaluations/starters/` are such files:

    {
      "format": "chamber-rubric",
      "format_version": 1,
      "scheme":  {"kind": "star_rating", "name": "星级基层商会考评", "description": ""},
      "version": {"label": "2008", "effective_from": "2008-01-01" or null, "description": "",
                  "max_points": "100", "bonus_cap": "5", "validity_months": 36},
      "indicators": [                       # the tree, depth-first, siblings in order
        {"code": "1", "title": "会务", "max_points": "40", "mode": "points",
         "options": [], "is_veto": false, "is_bonus": false,
         "guidance": "", "evidence_required": "", "children": [ ...same shape... ]}
      ],
      "grade_rules": [
        {"code": "four_star", "label": "四星级", "level": 4, "min_total": "80",
         "requires_level": 3, "requires_held_days": 365}
      ]
    }

Points are decimal strings (numbers are accepted on import); `mode` is graded / points /
yes_no; `options` are a graded item's allowed scores. Optional keys may be left out.
`scheme.kind` is one of SchemeKind's codes. A later format adds keys and bumps
`format_version`; this reader refuses versions newer than it knows.

The same as an Excel workbook: see `evaluations.interchange_xlsx`.

Import validates the whole document before anything is saved, and reports every
problem at once, each with its place (the indicator's position or the sheet's row), in
the user's language. It creates a new version — of the scheme with that name if the
chamber has one, else of a new scheme.
"""
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chamber.audit import audit_record

from .models import GradeRule, Indicator, Scheme, SchemeKind, SchemeVersion
from .rubric_fields import (
    MAX_DEPTH,
    MAX_SIBLINGS,
    clean_grade_rule_fields,
    clean_indicator_fields,
    clean_scheme_fields,
    clean_version_fields,
    points_text,
)
from .rubrics import _ensure_label_free, scheme_create, tree_nest, version_grade_rules, version_tree

FORMAT = "chamber-rubric"
FORMAT_VERSION = 1
MAX_INDICATORS = 2000
MAX_GRADE_RULES = 50
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

INDICATOR_KEYS = ("code", "title", "max_points", "mode", "options", "is_veto", "is_bonus", "guidance",
                  "evidence_required")
GRADE_KEYS = ("code", "label", "level", "min_total", "requires_level", "requires_held_days")
# The workbook's sheets (evaluations.interchange_xlsx), named in the import's messages.
SHEET_SCHEME, SHEET_INDICATORS, SHEET_GRADES = "方案", "指标", "等级规则"

# --- Export --------------------------------------------------------------------------------------


def _node_document(node):
    return {
        "code": node.code,
        "title": node.title,
        "max_points": points_text(node.max_points),
        "mode": node.mode,
        "options": [points_text(o) for o in node.options or ()],
        "is_veto": node.is_veto,
        "is_bonus": node.is_bonus,
        "guidance": node.guidance,
        "evidence_required": node.evidence_required,
        "children": [_node_document(child) for child in node.tree_children],
    }


def version_document(version, *, tree=None, rules=None):
    """`version` as the JSON document described above (a dict). Three queries: the
    scheme (unless loaded), the indicators, the grade rules."""
    tree = version_tree(version) if tree is None else tree
    rules = version_grade_rules(version) if rules is None else rules
    scheme = version.scheme
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "scheme": {"kind": scheme.kind, "name": scheme.name, "description": scheme.description},
        "version": {
            "label": version.label,
            "effective_from": version.effective_from.isoformat() if version.effective_from else None,
            "description": version.description,
            "max_points": points_text(version.max_points),
            "bonus_cap": points_text(version.bonus_cap),
            "validity_months": version.validity_months,
        },
        "indicators": [_node_document(root) for root in tree_nest(tree)],
        "grade_rules": [
            {"code": r.code, "label": r.label, "level": r.level, "min_total": points_text(r.min_total),
             "requires_level": r.requires_level, "requires_held_days": r.requires_held_days}
            for r in sorted(rules, key=lambda r: (-r.level, r.pk or 0))
        ],
    }


def version_json(version):
    return json.dumps(version_document(version), ensure_ascii=False, indent=2) + "\n"


# --- Reading files -------------------------------------------------------------------------------


def document_from_json(raw):
    """The document in a JSON text or bytes; ValidationError when it is not JSON."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ValidationError(_("The file is not valid JSON: {error}").format(error=error)) from None


def document_from_upload(name, raw):
    """The document in an uploaded file: an .xlsx workbook or a JSON file, told apart by
    their content (a workbook is a zip archive), not by the file's name."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than {mb} MB.").format(mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if raw[:4] == b"PK\x03\x04":
        from .interchange_xlsx import document_from_xlsx

        return document_from_xlsx(raw)
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return document_from_json(raw)
    raise ValidationError(_("Upload a rubric exported as .json or .xlsx."))


# --- Validation ----------------------------------------------------------------------------------


@dataclass
class CleanNode:
    data: dict
    children: list = field(default_factory=list)


@dataclass
class CleanDocument:
    scheme: dict
    version: dict
    indicators: list
    grade_rules: list


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a key that is not a model field, e.g. "children"
        return name


def _field_errors(where, model, error):
    messages = []
    for name, items in error.message_dict.items():
        for message in items:
            messages.append(_("{where}: {field}: {message}").format(
                where=where, field=_field_label(model, name), message=message))
    return messages


def _where_indicator(raw, path):
    if isinstance(raw, dict) and raw.get("_row"):
        return _("Sheet “{sheet}”, row {row}").format(sheet=SHEET_INDICATORS, row=raw["_row"])
    title = str(raw.get("title") or "").strip() if isinstance(raw, dict) else ""
    label = ".".join(str(p) for p in path)
    if title:
        return _("Indicator {number} “{title}”").format(number=label, title=title[:40])
    return _("Indicator {number}").format(number=label)


def document_clean(document):
    """The document's values, cleaned; ValidationError listing every problem otherwise."""
    if not isinstance(document, dict):
        raise ValidationError(_("The document must be a JSON object with the keys format, scheme, version, "
                                "indicators and grade_rules."))
    errors = []
    if document.get("format", FORMAT) != FORMAT:
        raise ValidationError(_("This is not a rubric document (format “{format}”).").format(
            format=document.get("format")))
    try:
        format_version = int(document.get("format_version", FORMAT_VERSION))
    except (TypeError, ValueError):
        format_version = -1
    if not 1 <= format_version <= FORMAT_VERSION:
        raise ValidationError(_("Format version {version} is not supported; this system reads up to {known}.").format(
            version=document.get("format_version"), known=FORMAT_VERSION))

    def section(name, kind):
        value = document.get(name, kind())
        if not isinstance(value, kind):
            if kind is list:
                errors.append(_("“{key}” must be a list.").format(key=name))
            else:
                errors.append(_("“{key}” must be an object.").format(key=name))
            return kind()
        return value

    raw_scheme, raw_version = section("scheme", dict), section("version", dict)
    raw_indicators, raw_rules = section("indicators", list), section("grade_rules", list)

    scheme = {}
    try:
        scheme = clean_scheme_fields({"kind": raw_scheme.get("kind") or SchemeKind.OTHER,
                                      "name": raw_scheme.get("name"),
                                      "description": raw_scheme.get("description") or ""})
    except ValidationError as error:
        errors.extend(_field_errors(_("Scheme"), Scheme, error))
    version = {}
    try:
        version = clean_version_fields({
            "label": raw_version.get("label"), "effective_from": raw_version.get("effective_from"),
            "description": raw_version.get("description") or "", "max_points": raw_version.get("max_points"),
            "bonus_cap": raw_version.get("bonus_cap"),
            "validity_months": raw_version.get("validity_months") or 36,
        })
    except ValidationError as error:
        errors.extend(_field_errors(_("Version"), SchemeVersion, error))

    count = [0]

    def nodes(raws, path):
        if len(raws) > MAX_SIBLINGS:
            errors.append(_("At most {n} indicators side by side.").format(n=MAX_SIBLINGS))
            return []
        cleaned = []
        for position, raw in enumerate(raws, start=1):
            here = path + [position]
            count[0] += 1
            if not isinstance(raw, dict):
                errors.append(_("{where}: must be an object.").format(where=_where_indicator({}, here)))
                continue
            where = _where_indicator(raw, here)
            if len(here) > MAX_DEPTH:
                errors.append(_("{where}: indicators nest at most {n} levels deep.").format(where=where, n=MAX_DEPTH))
                continue
            data = {}
            try:
                values = {key: raw.get(key) for key in INDICATOR_KEYS}
                values.update(code=values["code"] or "", guidance=values["guidance"] or "",
                              evidence_required=values["evidence_required"] or "", options=values["options"] or [])
                data = clean_indicator_fields(values)
            except ValidationError as error:
                errors.extend(_field_errors(where, Indicator, error))
            children = raw.get("children") or []
            if not isinstance(children, list):
                errors.append(_("{where}: “children” must be a list.").format(where=where))
                children = []
            cleaned.append(CleanNode(data=data, children=nodes(children, here)))
        return cleaned

    indicators = nodes(raw_indicators, [])
    if count[0] > MAX_INDICATORS:
        errors.append(_("At most {n} indicators in a version.").format(n=MAX_INDICATORS))

    rules = []
    seen_codes, seen_levels = set(), set()
    if len(raw_rules) > MAX_GRADE_RULES:
        errors.append(_("At most {n} grade rules in a version.").format(n=MAX_GRADE_RULES))
        raw_rules = []
    for number, raw in enumerate(raw_rules, start=1):
        if isinstance(raw, dict) and raw.get("_row"):
            where = _("Sheet “{sheet}”, row {row}").format(sheet=SHEET_GRADES, row=raw["_row"])
        else:
            where = _("Grade rule {number}").format(number=number)
        if not isinstance(raw, dict):
            errors.append(_("{where}: must be an object.").format(where=where))
            continue
        try:
            rule = clean_grade_rule_fields({key: raw.get(key) for key in GRADE_KEYS})
        except ValidationError as error:
            errors.extend(_field_errors(where, GradeRule, error))
            continue
        if rule["code"] in seen_codes:
            errors.append(_("{where}: the code “{code}” is used twice.").format(where=where, code=rule["code"]))
        if rule["level"] in seen_levels:
            errors.append(_("{where}: level {level} is used twice.").format(where=where, level=rule["level"]))
        seen_codes.add(rule["code"])
        seen_levels.add(rule["level"])
        rules.append(rule)

    if errors:
        raise ValidationError(errors)
    return CleanDocument(scheme=scheme, version=version, indicators=indicators, grade_rules=rules)


# --- Import --------------------------------------------------------------------------------------


def _create_nodes(version, roots):
    """Insert the tree level by level (one INSERT a level), sort keys worked out here."""
    level = [(None, "", position, node) for position, node in enumerate(roots, start=1)]
    depth = 1
    while level:
        rows = []
        for parent, prefix, position, node in level:
            key = "{}.{:03d}".format(prefix, position) if prefix else "{:03d}".format(position)
            data = dict(node.data)
            data["options"] = [points_text(o) for o in data.get("options") or ()]
            rows.append(Indicator(chamber_id=version.chamber_id, version=version, parent=parent, position=position,
                                  sort_key=key, depth=depth, **data))
        created = Indicator.objects.bulk_create(rows)
        level = [
            (made, made.sort_key, position, child)
            for made, (_parent, _prefix, _position, node) in zip(created, level)
            for position, child in enumerate(node.children, start=1)
        ]
        depth += 1


@transaction.atomic
def version_import(*, chamber, actor, document, label=None):
    """A new version from a document (a dict as `version_document` writes): of the
    chamber's scheme with the document's scheme name, or of a new scheme. `label`
    overrides the document's version label (e.g. when that one exists already)."""
    clean = document_clean(document)
    version_data = dict(clean.version)
    if label:
        version_data.update(clean_version_fields({"label": label}))
    scheme = Scheme.objects.filter(chamber=chamber, name=clean.scheme["name"]).first()
    if scheme is None:
        scheme = scheme_create(chamber=chamber, actor=actor, **clean.scheme)
    _ensure_label_free(scheme, version_data["label"])
    version = SchemeVersion.objects.create(chamber=chamber, scheme=scheme, **version_data)
    version.scheme = scheme
    _create_nodes(version, clean.indicators)
    GradeRule.objects.bulk_create([GradeRule(chamber=chamber, version=version, **rule) for rule in clean.grade_rules])
    audit_record(chamber=chamber, actor=actor, action="import", target=version)
    return version
