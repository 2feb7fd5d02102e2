"""«Стать наставником» and «Найти наставника»: static pages of the site whose form posts to the admin app's
/apply/<kind> (portal/apply/). The same form context serves the dynamic page that shows errors."""
from __future__ import annotations

from portal.models import MentoringForm, Organisation, Role
from portal.registries import application_form as applications

from . import bp
from .content import current
from .views import render

ACTION = "/apply/{kind}"  # root-absolute: the admin app answers at the host's root, the site may be a sub-path
TITLES = {Role.MENTOR: "Стать наставником", Role.MENTEE: "Найти наставника"}
INTROS = {
    Role.MENTOR: "Педагоги, студенты и специалисты предприятий могут стать наставниками в программах "
                 "наставничества школ и колледжей. Заполните заявку: куратор организации рассмотрит её и "
                 "напишет вам.",
    Role.MENTEE: "Молодой педагог, студент или обучающийся может найти наставника. За несовершеннолетнего "
                 "обучающегося заявку заполняет родитель (законный представитель).",
}
KINDS = ("mentor", "mentee")


def form_context(kind: Role, organisations: list[Organisation], values) -> dict:
    return dict(kind=kind, title=TITLES[kind], intro=INTROS[kind], action=ACTION.format(kind=kind.value),
                organisation_options=[(org.id, org.short_name) for org in organisations],
                form_options=MentoringForm.choices(),
                category_options=[(c.value, label) for c, label in applications.CATEGORY_LABELS[kind].items()],
                values=values,
                consent_text=applications.CONSENT_TEXT, consent_version=applications.CONSENT_VERSION,
                parent_text=applications.PARENT_TEXT, publication_text=applications.PUBLICATION_TEXT,
                max_capacity=applications.MAX_CAPACITY)


@bp.get("/join/<any(mentor, mentee):kind>/")
def join(kind: str) -> str:
    role = Role(kind)
    return render("site/join.html", errors={}, **form_context(role, current().organisations, {}))
