"""The data model, one module per aggregate; import models from here."""
from .audit import AuditEntry, Revision
from .case import Case, Tag
from .history import OldSlug
from .news import Event, NewsItem
from .organisation import Organisation
from .page import Page
from .registry import Consent, Pairing, Person, PersonRole, Program
from .roadmap import Activity, Roadmap, Stage
from .user import User
from .vocabulary import (
    ActivityStatus,
    ConsentKind,
    EventKind,
    MentoringForm,
    OrganisationKind,
    PageKind,
    PairingStatus,
    PersonCategory,
    PublicField,
    Role,
    Signatory,
    Status,
    UserRole,
)

__all__ = [
    "Activity", "ActivityStatus", "AuditEntry", "Revision", "Case", "Consent", "ConsentKind", "OldSlug", "PublicField", "Signatory", "Event", "EventKind", "MentoringForm", "NewsItem", "Organisation",
    "OrganisationKind", "Page", "PageKind", "Pairing", "PairingStatus", "Person", "PersonCategory",
    "PersonRole", "Program", "Role", "Roadmap", "Stage", "Status", "Tag", "User", "UserRole",
]
