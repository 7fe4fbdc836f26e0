"""Database models, split by aggregate, and the Alembic migrations that create them."""

from models.audit import AuditEvent
from models.base import Base
from models.broadcast import Audience, Broadcast, BroadcastStatus
from models.category import Category
from models.conversation import ConversationState, ProcessedInbound
from models.invite import Invite
from models.municipality import Municipality, MunicipalityKind, UnlistedPlace
from models.need import Need, NeedStatus, NeedStatusChange, NeedSupport
from models.ngo import (
    Organization,
    OrganizationStatus,
    Subscription,
    organization_categories,
    organization_municipalities,
)
from models.outbox import OutboxMessage, OutboxStatus, OutboxTally
from models.pace import RouteState, SendWindow
from models.person import (
    Address,
    AgeBand,
    ConsentStatus,
    Disability,
    Gender,
    GroupAnswers,
    Person,
    Role,
)
from models.service import (
    ApiKey,
    Beneficiary,
    QuestionKind,
    Service,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyStatus,
)
from models.tender import Tender, TenderRelease, TenderReminder, TenderStatus
from models.web import WebSession, WebSignInLink

__all__ = [
    "Address",
    "AgeBand",
    "ApiKey",
    "Audience",
    "AuditEvent",
    "Base",
    "Beneficiary",
    "Broadcast",
    "BroadcastStatus",
    "Category",
    "ConsentStatus",
    "ConversationState",
    "Disability",
    "Gender",
    "GroupAnswers",
    "Invite",
    "Municipality",
    "MunicipalityKind",
    "Need",
    "NeedStatus",
    "NeedStatusChange",
    "NeedSupport",
    "Organization",
    "OrganizationStatus",
    "OutboxMessage",
    "OutboxStatus",
    "OutboxTally",
    "Person",
    "ProcessedInbound",
    "QuestionKind",
    "Role",
    "RouteState",
    "SendWindow",
    "Service",
    "Subscription",
    "Survey",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyQuestion",
    "SurveyStatus",
    "Tender",
    "TenderRelease",
    "TenderReminder",
    "TenderStatus",
    "UnlistedPlace",
    "WebSession",
    "WebSignInLink",
    "organization_categories",
    "organization_municipalities",
]
