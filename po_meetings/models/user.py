"""People and the organisations they represent."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow


class OrganisationKind(enum.StrEnum):
    """The kinds of organisation that sit in a ledningsgrupp."""

    MUNICIPALITY = "municipality"
    REGION_PSYCHIATRY = "region_psychiatry"
    REGION_PRIMARY_CARE = "region_primary_care"
    EMPLOYMENT_SERVICE = "employment_service"
    SOCIAL_INSURANCE = "social_insurance"
    USER_ORGANISATION = "user_organisation"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Return the Swedish name of the kind."""
        return ORGANISATION_KIND_LABELS[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.MUNICIPALITY: "Kommun/socialtjänst",
    OrganisationKind.REGION_PSYCHIATRY: "Region psykiatri",
    OrganisationKind.REGION_PRIMARY_CARE: "Region primärvård",
    OrganisationKind.EMPLOYMENT_SERVICE: "Arbetsförmedlingen",
    OrganisationKind.SOCIAL_INSURANCE: "Försäkringskassan",
    OrganisationKind.USER_ORGANISATION: "Brukar-/anhörig-/intresseorganisation",
    OrganisationKind.OTHER: "Annan",
}


class Organisation(Audited, db.Model):
    """An organisation (huvudman) that members represent."""

    __tablename__ = "organisation"
    __audit_label__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: namn
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: typ av organisation
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        """Return the Swedish name of the organisation's kind."""
        return OrganisationKind(self.kind).label

    def __str__(self) -> str:
        return self.name


class User(Audited, UserMixin, db.Model):
    """A person who can log in. Accounts are disabled, never deleted."""

    __tablename__ = "user_account"
    __audit_label__ = "konto"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e-postadress (inloggning), stored in lower case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: namn
    name: Mapped[str] = mapped_column(String(200))
    #: titel
    title: Mapped[str | None] = mapped_column(String(200))
    #: organisation
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: lösenord (argon2-hash)
    password_hash: Mapped[str] = mapped_column(String(255), info={"secret": True})
    #: systemadministratör
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: avstängt konto
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: bumped to end every session of the user (password change, disabling)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    #: hash of the secret in the user's private calendar feed URL (revocable)
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, info={"secret": True})
    #: hur ofta aviseringar skickas (NotifyFrequency)
    notify_frequency: Mapped[str] = mapped_column(String(16), default="immediate", server_default="immediate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", foreign_keys="Membership.user_id"
    )

    @property
    def is_active(self) -> bool:
        """Return whether the account may be used (Flask-Login)."""
        return not self.is_disabled

    def get_id(self) -> str:
        """Return the session identifier: id and epoch, so old sessions die with the epoch."""
        return f"{self.id}:{self.session_epoch}"

    def __str__(self) -> str:
        return self.name
