"""The admin's faster <select> (portal/admin/select_widget.py) writes what WTForms writes, option for option."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from portal.admin.forms import BaseForm
from portal.admin.select_widget import OptionsSelect, faster

CHOICES = [SelectChoice(0, "Нет"), SelectChoice(3, "Школа № 3"), SelectChoice(17, 'МБОУ «Лицей» <№ 1> & "Гимназия"'),
           SelectChoice('a"b', ""), SelectChoice(True, "Да"), SelectChoice(5, "С атрибутом", {"disabled": True}),
           SelectChoice(None, "Пусто")]


class Plain(Form):
    one = SelectField(choices=CHOICES, coerce=str)
    many = SelectMultipleField(choices=CHOICES, coerce=str)
    grouped = SelectField(choices=[SelectChoice(1, "Первая", optgroup="Школы"),
                                   SelectChoice(2, "Вторая", optgroup="Школы"),
                                   SelectChoice(9, "Колледж", optgroup="Колледжи")], coerce=int)


def test_every_kind_of_option_is_written_as_wtforms_writes_it():
    form = Plain(MultiDict([("one", "17"), ("many", "3"), ("many", 'a"b'), ("grouped", "2")]))
    for name in ("one", "many", "grouped"):
        field = form[name]
        wtforms_markup = Select(multiple=field.widget.multiple)(field, **{"class": "x"})
        assert OptionsSelect(multiple=field.widget.multiple)(field, **{"class": "x"}) == wtforms_markup, name
        assert "selected" in wtforms_markup  # the selected ones are among them
    assert "&lt;№ 1&gt; &amp; &#34;Гимназия&#34;" in OptionsSelect()(form["one"])


def test_admin_forms_render_their_selects_with_it_and_leave_other_widgets_alone(app, monkeypatch):
    class Chooser(BaseForm):
        organisation = SelectField(choices=[SelectChoice(1, "Школа")], coerce=int)
        custom = SelectField(choices=[SelectChoice(1, "Школа")], coerce=int, widget=type("Own", (Select,), {})())

    form = Chooser(formdata=None)
    assert faster(form.organisation.widget) is not form.organisation.widget
    assert isinstance(faster(form.organisation.widget), OptionsSelect)
    assert faster(form.custom.widget) is form.custom.widget
    assert str(form.organisation(**{"class": "y"})) == str(Select()(form.organisation, **{"class": "y"}))

    # Rendered by the admin form, a plain option never goes through WTForms' own render_option.
    monkeypatch.setattr(Select, "render_option", classmethod(lambda cls, choice, **kwargs: "<option>WTForms</option>"))
    assert "WTForms" not in form.organisation()
    assert "WTForms" in form.custom() and "WTForms" in Plain()["one"]()
