"""A running worker plans a one-edit publish from the last plan: the addresses whose rows are the very same objects
are kept (row_memo.Reuse), the others made again, and the plan is the one a fresh snapshot gives."""
from __future__ import annotations

import json

import pytest

from portal.extensions import db
from portal.models import Status
from portal.publish import publishing
from portal.site import content, content_reuse
from portal.site.row_memo import Reuse

pytestmark = pytest.mark.both_databases


class Row:
    """A stand-in for a model row: compared by identity, as mapped objects are."""


def test_reuse_keeps_a_value_while_its_objects_and_values_are_the_same():
    memo: dict = {}
    made = []

    def make(name):
        return lambda: made.append(name) or name

    first, second = Row(), Row()
    reuse = Reuse(memo, "context")
    assert reuse.get("a", (first, 1), make("a1")) == "a1"
    assert reuse.get("b", (second, 1), make("b1")) == "b1"
    reuse = Reuse(memo, "context")
    assert reuse.get("a", (first, 1), make("a2")) == "a1"  # the same object, an equal value
    assert reuse.get("b", (Row(), 1), make("b2")) == "b2"  # another object for the row
    reuse = Reuse(memo, "context")
    assert reuse.get("a", (first, 2), make("a3")) == "a3"  # another value
    assert reuse.get("b", (second, 1), make("b3")) == "b3"  # last time's object was another one
    reuse = Reuse(memo, "another context")
    assert reuse.get("a", (first, 2), make("a4")) == "a4"
    assert made == ["a1", "b1", "b2", "a3", "b3", "a4"]


def _plan(app) -> list:
    kept = publishing.site_app_for(app).extensions[content_reuse.KEPT_KEY]
    return kept.snapshot.__dict__["_addresses"][1]


def _by_address(plan) -> dict:
    return {(a.endpoint, json.dumps(a.values, sort_keys=True)): a for a in plan}


def test_one_edit_makes_again_only_the_addresses_of_what_it_touched_and_the_plan_is_a_fresh_one(app, world):
    for key in (("cases", "b"), ("news", "a"), ("roadmaps", "a"), ("roadmaps", "b")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()
    # Last, on its own: the worker loads again the rows edited since the latest edit it has seen, that one included.
    world.rows[("cases", "a")].status = Status.PUBLISHED
    db.session.commit()
    assert publishing.run_build(app).ok
    before = _by_address(_plan(app))
    world.rows[("cases", "a")].summary = "Краткое описание после правки"
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok and report.content_reloaded is not None  # brought up to date, not loaded whole
    after = _by_address(_plan(app))
    slug_a, slug_b = world.org_a.slug, world.org_b.slug

    def same(endpoint: str, values: dict) -> bool:
        key = (endpoint, json.dumps(values, sort_keys=True))
        return after[key] is before[key]

    # Organisation B's pages and its catalogue page are last plan's very objects; A's, with the edited case, not.
    assert same("site.organisation", {"slug": slug_b}) and same("site.embed_cases", {"slug": slug_b})
    assert not same("site.organisation", {"slug": slug_a}) and not same("site.embed_cases", {"slug": slug_a})
    assert same("site.cases_filtered", {"facet": "organisation", "value": slug_b})
    assert not same("site.cases_filtered", {"facet": "organisation", "value": slug_a})
    assert not same("site.cases", {})  # the list page shows the edited case
    assert not same("site.case", {"slug": world.rows[("cases", "a")].slug})
    assert same("site.news_item", {"slug": world.rows[("news", "a")].slug})  # news were not loaded again

    assert publishing.run_build(app, full=True).ok  # a snapshot loaded whole, a plan made from scratch
    fresh = _by_address(_plan(app))
    assert {key: a.fingerprint for key, a in after.items()} == {key: a.fingerprint for key, a in fresh.items()}


def test_the_files_a_text_shows_follow_its_text_on_the_same_object(app, world):
    case = world.rows[("cases", "a")]
    name = "0123456789abcdef0123456789abcdef.png"
    case.body_html = f'<p><img src="/media/{name}" alt=""></p>'
    assert content._media_in_texts(case) == {name}
    case.body_html = "<p>Без картинки</p>"
    assert content._media_in_texts(case) == frozenset()
