"""The data model, one module per aggregate; import models from here."""
from .application import Application, ApplicationStatus, MailMessage, MailOptOut, MailStatus
from .audit import AuditEntry, Revision
from .build import BuildRun, BuildState
from .case import Case, Tag
from .document import DocumentTemplate
from .old_slug import OldSlug
from .journal import Meeting, MentorAward, PlanGoal
from .media import MediaFile, MediaUse
from .monitoring import Answer, Question, Questionnaire, QuestionnaireResponse
from .news import Event, NewsItem
from .organisation import Organisation
from .page import Page
from .registry import Consent, Pairing, Person, PersonRole, Program
from .roadmap import Activity, Roadmap, Stage
from .search import SearchEntry
from .trash import TrashItem
from .user import User
from .vocabulary import (
    ActivityStatus,
    ConsentKind,
    DocumentKind,
    EventKind,
    MediaKind,
    MediaRole,
    MeetingKind,
    MentoringForm,
    OrganisationCluster,
    OrganisationKind,
    PageKind,
    PairingStatus,
    PersonCategory,
    PublicField,
    QuestionKind,
    QuestionnaireAudience,
    QuestionnaireStage,
    Role,
    Signatory,
    Status,
    UserRole,
)

__all__ = [
    "Activity", "ActivityStatus", "AuditEntry", "Revision", "Case", "Consent", "ConsentKind", "OldSlug", "PublicField", "Signatory", "Event", "EventKind", "MentoringForm", "NewsItem", "Organisation",
    "OrganisationKind", "Page", "PageKind", "Pairing", "PairingStatus", "Person", "PersonCategory",
    "PersonRole", "Program", "Role", "Roadmap", "Stage", "Status", "Tag", "User", "UserRole",
    # monitoring
    "Answer", "Meeting", "MeetingKind", "MentorAward", "OrganisationCluster", "PlanGoal", "Question",
    "QuestionKind", "Questionnaire", "QuestionnaireAudience", "QuestionnaireResponse", "QuestionnaireStage",
    # media
    "DocumentKind", "MediaFile", "MediaKind", "MediaRole", "MediaUse",
    # publishing
    "BuildRun", "BuildState",
    # the admin search on PostgreSQL
    "SearchEntry",
    # documents
    "DocumentTemplate",
    # deleted content, restorable for TRASH_DAYS
    "TrashItem",
    # applications and mail (issue #25)
    "Application", "ApplicationStatus", "MailMessage", "MailOptOut", "MailStatus",
]
