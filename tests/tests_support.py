"""Helpers shared by the tests (imported by name: pytest puts tests/ on sys.path)."""
from __future__ import annotations

from pathlib import Path

PASSWORD = "correct-horse-battery"

# The real roadmaps users bring, in the team's shared folder beside this checkout (CI puts it there too).
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "roadmaps"


def sample_path(prefix: str) -> Path:
    found = sorted(SAMPLES.glob(f"{prefix}_*.txt"))
    assert found, f"no sample {prefix}_*.txt in {SAMPLES}: the shared folder must sit beside the checkout"
    return found[0]

# The endpoint's URL argument → the kind of row it names.
ARGUMENT_ROWS = {"roadmap_id": "roadmaps", "stage_id": "stages"}
# Endpoints whose `id` names a row of another kind than their name says.
ID_ROWS = {"consent_new": "persons", "consent_withdraw": "consents"}
PART_ENDPOINTS = {"stage_edit": "stages", "stage_delete": "stages", "stage_move": "stages",
                  "activity_edit": "activities", "activity_delete": "activities", "activity_move": "activities"}


def admin_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if rule.endpoint.startswith("admin.") and rule.endpoint != "admin.static"),
        key=lambda rule: rule.endpoint,
    )


def area_of(endpoint: str) -> str:
    name = endpoint.removeprefix("admin.")
    if name in PART_ENDPOINTS or name in ("stage_new", "activity_new"):
        return "roadmaps"
    return name.rsplit("_", 1)[0]


def url_for_rule(rule, world, owner: str) -> str:
    """A concrete URL for the rule naming rows of organisation `owner` ("b" unless said otherwise)."""
    name = rule.endpoint.removeprefix("admin.")
    values = {}
    if "kind" in rule.arguments:  # preview, review, history: shown on a case of the organisation
        case = world.rows[("cases", owner)]
        values = {"kind": "cases", "id": case.id}
        if "revision_id" in rule.arguments:
            values["revision_id"] = _first_revision(case)
        return rule.build(values, append_unknown=False)[1]
    for argument in rule.arguments:
        if argument == "id":
            kind = PART_ENDPOINTS.get(name) or ID_ROWS.get(name) or name.rsplit("_", 1)[0]
        elif argument in ARGUMENT_ROWS:
            kind = ARGUMENT_ROWS[argument]
        else:
            raise AssertionError(f"The matrix does not know the argument {argument!r} of {rule.endpoint}: add it")
        values[argument] = world.rows[(kind, owner)].id
    return rule.build(values, append_unknown=False)[1]


def _first_revision(row) -> int:
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import Revision

    return db.session.scalar(sa.select(sa.func.min(Revision.id)).where(
        Revision.object_kind == row.__tablename__, Revision.object_id == row.id))
