"""Werkzeug's URL builders compiled once per test process instead of once per app.

Every test makes an app, some several, and Werkzeug generates and compiles Python code for each of the portal's
~180 URL rules twice per app (`Rule._compile_builder`): 0.1–0.15 s of the 0.17 s `create_app` takes, for the
same rules each time. For a rule without defaults that code depends only on the rule's text and parts (the
converters are looked up on the rule when a URL is built), so the compiled function is kept by those and each
rule still gets a function of its own. A rule with defaults, or a Werkzeug without these internals, is compiled
as Werkzeug does.
"""
from __future__ import annotations

from types import FunctionType

from werkzeug.routing.rules import Rule


def install() -> None:
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "kept_by_tests", False):
        return
    made: dict[tuple, FunctionType] = {}

    def compile_builder(self, append_unknown: bool = True):
        trace = getattr(self, "_trace", None)
        if self.defaults or trace is None:
            return original(self, append_unknown)
        key = (self.rule, tuple(trace), append_unknown)
        if key not in made:
            made[key] = original(self, append_unknown)
        kept = made[key]
        return FunctionType(kept.__code__, kept.__globals__, kept.__name__, kept.__defaults__, kept.__closure__)

    compile_builder.kept_by_tests = True
    Rule._compile_builder = compile_builder
