"""The admin's <select> fields, rendered as WTForms renders them, only faster.

WTForms writes each <option> through `html_params` (sorting and cleaning attribute names) and a formatted Markup:
about 25 µs an option. A case's edit page at a region's scale lists 300 organisations and more, which made the
options half of the page's server time. This widget writes the very same markup directly for the usual option (no
attributes of its own) and leaves any other to WTForms.
"""
from __future__ import annotations

from markupsafe import escape
from wtforms.widgets import Select


class OptionsSelect(Select):
    @classmethod
    def render_option(cls, choice, **kwargs):
        value = choice.value
        if kwargs or choice.render_kw or isinstance(value, bool) or value is None:
            return super().render_option(choice, **kwargs)
        # html_params sorts the attributes: «selected» comes before «value».
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or value)
        return f'<option {selected}value="{escape(value)}">{label}</option>'


_WIDGETS = {False: OptionsSelect(), True: OptionsSelect(multiple=True)}


def faster(widget):
    """The widget to render with: an OptionsSelect in place of WTForms' own Select (not of a subclass of it, which
    may render options its own way)."""
    return _WIDGETS[widget.multiple] if type(widget) is Select else widget


def render_field(meta, field, render_kw):
    """The admin forms' Meta.render_field: WTForms' own (DefaultMeta.render_field), with `faster` widgets."""
    other_kw = getattr(field, "render_kw", None)
    if other_kw is not None:
        render_kw = dict(other_kw, **render_kw)
    return faster(field.widget)(field, **render_kw)
