"""The site's relative links: the build's own relpath must say what posixpath.relpath says."""
from __future__ import annotations

import posixpath

from hypothesis import given, strategies as st

from portal.site.views import _relpath

segment = st.sampled_from(["cases", "news", "a", "b", "page", "2", "shkola-5", "index.html", "events.ics"])
address = st.lists(segment, max_size=5).map(lambda parts: "/" + "/".join(parts))


@given(address, address, st.booleans())
def test_the_fast_relpath_agrees_with_posixpath(target, here, trailing):
    target = target + "/" if trailing and target != "/" else target
    assert _relpath(target, here) == posixpath.relpath(target, here)


def test_examples():
    assert _relpath("/cases/", "/cases/shkola-5") == ".."
    assert _relpath("/news/forum/", "/cases/shkola-5") == "../../news/forum"
    assert _relpath("/", "/") == "."
    assert _relpath("/cases/a/", "/cases/a") == "."
