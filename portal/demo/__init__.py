"""Loading the content pages (content/pages/*.md) and the demo data set (content/demo/).

Both are idempotent: a row that exists already (same slug, e-mail or natural key) is left as it is, so an
editor's changes survive a second run and nothing is duplicated.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import frontmatter
import sqlalchemy as sa
import yaml

from portal.accounts import create_user
from portal.extensions import db
from portal.models import (
    Activity,
    Case,
    Consent,
    Event,
    NewsItem,
    Organisation,
    Page,
    Pairing,
    Person,
    Program,
    Roadmap,
    Stage,
    Tag,
    User,
    UserRole,
)
from portal.demo.lookup import organisation as _organisation
from portal.demo.lookup import person as _person


def _read_yaml(path: Path) -> Any:
    if not path.exists():
        return []
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise ValueError(f"{path.name}: не удалось прочитать YAML ({error.problem or error})") from error


def _read_markdown(folder: Path) -> list[dict[str, Any]]:
    """Each *.md file: front matter plus the Markdown body; the file name is the slug unless given."""
    items = []
    for path in sorted(folder.glob("*.md")):
        try:
            post = frontmatter.load(path)
        except yaml.YAMLError as error:
            raise ValueError(f"{path.name}: не удалось прочитать заголовок YAML ({error.problem or error})") from error
        items.append({"slug": path.stem, **post.metadata, "body_md": post.content.strip()})
    return items


def _exists(model: type, **where: Any) -> bool:
    query = sa.select(model.id).filter_by(**where)
    return db.session.scalar(query) is not None


def load_pages(pages_dir: Path) -> int:
    """Create the content pages that do not exist yet."""
    created = 0
    for item in _read_markdown(pages_dir):
        if not _exists(Page, slug=item["slug"]):
            db.session.add(Page(**item))
            created += 1
    db.session.commit()
    return created


def load_demo(demo_dir: Path) -> Counter:
    """Load content/demo/ and return how many rows of each kind were created."""
    created: Counter = Counter()
    for item in _read_yaml(demo_dir / "organisations.yaml"):
        if not _exists(Organisation, slug=item["slug"]):
            db.session.add(Organisation(**{k if k != "description" else "description_md": v
                                           for k, v in item.items()}))
            created["организации"] += 1
    db.session.commit()

    for item in _read_yaml(demo_dir / "users.yaml"):
        if not _exists(User, email=item["email"]):
            create_user(item["email"], item["role"], item["password"], item.get("organisations", []),
                        name=item.get("name", ""))
            created["пользователи"] += 1

    for item in _read_yaml(demo_dir / "roadmaps.yaml"):
        if not _exists(Roadmap, slug=item["slug"]):
            db.session.add(_roadmap(item))
            created["дорожные карты"] += 1

    for item in _read_markdown(demo_dir / "cases"):
        if not _exists(Case, slug=item["slug"]):
            tags = [_tag(name) for name in item.pop("tags", [])]
            item["organisation"] = _organisation(item["organisation"])
            item["results_md"] = item.pop("results", "")
            db.session.add(Case(**item, tags=tags))
            db.session.flush()  # new tags become visible to the next case's lookup
            created["кейсы"] += 1

    for item in _read_markdown(demo_dir / "news"):
        if not _exists(NewsItem, slug=item["slug"]):
            item["organisation"] = _organisation(item.get("organisation"))
            db.session.add(NewsItem(**item))
            created["новости"] += 1

    for item in _read_yaml(demo_dir / "events.yaml"):
        if not _exists(Event, slug=item["slug"]):
            item["organisation"] = _organisation(item.get("organisation"))
            item["description_md"] = item.pop("description", "")
            db.session.add(Event(**item))
            created["мероприятия"] += 1
    db.session.commit()

    created.update(_load_registry(demo_dir / "registry.yaml"))
    db.session.commit()

    from portal.demo.monitoring import load_monitoring  # questionnaires, journals, awards (issue #10)

    created.update(load_monitoring(_read_yaml(demo_dir / "monitoring.yaml") or {}))
    db.session.commit()

    from portal.demo.media import load_media  # covers and documents (issue #11)

    created.update(load_media(_read_yaml(demo_dir / "media.yaml") or {}))
    db.session.commit()

    from portal.demo.municipality import load_municipality  # the rest of the municipality, generated

    created.update(load_municipality())
    db.session.commit()
    return created


def demo_logins(demo_dir: Path) -> str:
    """The demo accounts as lines to print: who can log in with what."""
    lines = ["Демо-вход в админку:"]
    for item in _read_yaml(demo_dir / "users.yaml"):
        lines.append(f"  {UserRole(item['role']).label}: {item['email']}, пароль: {item['password']}")
    return "\n".join(lines)


def _tag(name: str) -> Tag:
    return db.session.scalar(sa.select(Tag).where(Tag.name == name)) or Tag(name=name)


def _roadmap(item: dict[str, Any]) -> Roadmap:
    stages = item.pop("stages", [])
    item["organisation"] = _organisation(item["organisation"])
    item["description_md"] = item.pop("description", "")
    roadmap = Roadmap(**item)
    for s_pos, stage_item in enumerate(stages, start=1):
        activities = stage_item.pop("activities", [])
        stage = Stage(position=s_pos * 10, **stage_item)
        stage.activities = [Activity(position=a_pos * 10, **a) for a_pos, a in enumerate(activities, start=1)]
        roadmap.stages.append(stage)
    return roadmap


def _load_registry(path: Path) -> Counter:
    created: Counter = Counter()
    data = _read_yaml(path) or {}
    for item in data.get("persons", []):
        org = _organisation(item.pop("organisation"))
        if not _exists(Person, organisation_id=org.id, full_name=item["full_name"]):
            roles = item.pop("roles")
            consents = item.pop("consents", [])
            person = Person(organisation=org, **item)
            person.roles = roles
            person.consents = [Consent(kind=c["kind"], signed_on=c["signed_on"], document=c.get("document", ""),
                                       allowed_fields=",".join(c.get("allowed_fields", []))) for c in consents]
            db.session.add(person)
            created["участники реестра"] += 1
    for item in data.get("programs", []):
        if not _exists(Program, slug=item["slug"]):
            item["organisation"] = _organisation(item["organisation"])
            item["description_md"] = item.pop("description", "")
            item["network_organisations"] = [_organisation(slug) for slug in item.pop("network", [])]
            db.session.add(Program(**item))
            created["программы"] += 1
    db.session.flush()
    for item in data.get("pairings", []):
        org = _organisation(item.pop("organisation"))
        mentor = _person(item.pop("mentor"))
        # One order (приказ) often fixes several pairs: the order and the mentor identify a pair.
        if _exists(Pairing, organisation_id=org.id, order_number=item["order_number"], mentor_id=mentor.id):
            continue
        item["program"] = db.session.scalar(sa.select(Program).where(Program.slug == item.pop("program")))
        item["mentees"] = [_person(name) for name in item.pop("mentees")]
        db.session.add(Pairing(organisation=org, mentor=mentor, **item))
        created["наставнические пары"] += 1
    return created
