"""The rules of the yearly report: who writes it, which year, and how a final report stays final.

A report is drafted once per group and year (:func:`draft`); its numbers are counted from the
records' history as of ``report.as_of`` (:func:`content_of`), which moves on only when the chair
asks for it (:func:`refresh`). The chair or vice chair writes the entered parts
(:func:`save_entered`) and marks the report final (:func:`finalise`): its whole content is then
frozen as a numbered :class:`AnnualReportVersion` with its PDF's checksum. A correction
(:func:`correct`) opens the report again for the next version; the earlier ones stay readable.
The services flush, never commit; the route commits (``answers.attempt``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..dates import local
from ..domain import DomainError, clean_text
from ..extensions import db
from ..models import AnnualReport, AnnualReportVersion, Membership, ReportState, utcnow
from ..models.annual_report import ENTERED_COLUMNS, ENTERED_PARTS
from ..personnummer import DEFAULT_MESSAGE, contains_personnummer
from . import content as content_module
from . import drafting
from .content import Content, Entered
from .drafting import end_of_year
from .posts import MAX_POSTS, PostsError, parse_posts

FIRST_YEAR = 2000
#: The longest text one entered part may hold.
TEXT_LIMIT = 20_000
#: The longest reason for a correction.
REASON_LIMIT = 2_000
#: The most persons a report can state.
MAX_PERSONS = 999
POST_COLUMNS = ("posts_this_year", "posts_planned")
PERSON_COLUMNS = ("persons_this_year", "persons_planned")
HEADINGS = {column: heading for column, heading, _ in ENTERED_PARTS}

NOT_ALLOWED_MESSAGE = "Bara gruppens ordförande och vice ordförande kan ändra verksamhetsredovisningen."
FINAL_MESSAGE = "Redovisningen är slutlig och kan inte ändras. Gör en rättelse för att skapa en ny version."
ALREADY_FINAL_MESSAGE = "Redovisningen är redan slutlig."
NOT_FINAL_MESSAGE = "Redovisningen är ett utkast: bara en slutlig redovisning kan rättas."
CHANGED_MESSAGE = (
    "Någon annan har sparat redovisningen sedan du öppnade sidan. Din text är inte sparad men finns kvar "
    "i formuläret: jämför med den sparade redovisningen och spara igen för att ersätta den med din text."
)
CHANGED_BEFORE_FINAL_MESSAGE = (
    "Redovisningen har ändrats sedan du öppnade sidan. Läs igenom den och markera den som slutlig igen."
)
REASON_MESSAGE = "Skriv varför redovisningen rättas."
NEGATIVE_MESSAGE = "Antalet kan inte vara negativt."
TOO_MANY_PERSONS_MESSAGE = f"Ange högst {MAX_PERSONS} personer."


class EnteredRefused(DomainError):
    """An entered part that cannot be saved; ``column`` names the field it concerns."""

    def __init__(self, column: str, message: str) -> None:
        self.column = column
        super().__init__(message)


class StaleReport(DomainError):
    """The report was saved by someone else since the form was filled (the optimistic lock)."""


# -- who and which year -------------------------------------------------------------------------------


def may_edit(membership: Membership | None) -> bool:
    """Return whether a membership may write the report: the group's chair or vice chair."""
    return membership is not None and membership.is_active and membership.is_leading


def _check_may_edit(report_group_id: int, by: Membership | None) -> None:
    """Refuse anyone but the chair or vice chair of the report's group."""
    if not may_edit(by) or by.group_id != report_group_id:
        raise DomainError(NOT_ALLOWED_MESSAGE)


def current_year() -> int:
    """Return this year in Sweden."""
    return local(utcnow()).year


def year_message() -> str:
    """Return what a year outside the allowed range is told."""
    return f"Välj ett år mellan {FIRST_YEAR} och {current_year()}."


def check_year(year: int | None) -> int:
    """Return the year if a report may be drafted for it (2000 up to this year), else refuse."""
    if year is None or not FIRST_YEAR <= year <= current_year():
        raise DomainError(year_message())
    return year


def counted_until(year: int) -> datetime:
    """Return the moment a report's numbers are counted as of now: the end of its year, or now."""
    return min(utcnow(), end_of_year(year))


# -- reading ------------------------------------------------------------------------------------------


def find(group_id: int, year: int) -> AnnualReport | None:
    """Return a group's report for a year, if drafted."""
    return db.session.scalar(
        select(AnnualReport).where(AnnualReport.group_id == group_id, AnnualReport.year == year)
    )


def reports_of(group_id: int) -> list[AnnualReport]:
    """Return a group's reports, the latest year first."""
    return list(
        db.session.scalars(
            select(AnnualReport)
            .where(AnnualReport.group_id == group_id)
            .order_by(AnnualReport.year.desc())
            .options(
                selectinload(AnnualReport.versions),
                selectinload(AnnualReport.created_by),
                selectinload(AnnualReport.updated_by),
            )
        )
    )


def version_of(report: AnnualReport, number: int) -> AnnualReportVersion | None:
    """Return a report's final version by number, if there is one."""
    return next((v for v in report.versions if v.number == number), None)


def latest_version(report: AnnualReport) -> AnnualReportVersion | None:
    """Return a report's latest final version, if any."""
    return report.versions[-1] if report.versions else None


def entered_of(report: AnnualReport) -> Entered:
    """Return the parts the group has written, as the report's content holds them."""
    return Entered(
        posts_this_year=report.posts_this_year,
        persons_this_year=report.persons_this_year,
        posts_planned=report.posts_planned,
        persons_planned=report.persons_planned,
        texts=tuple(
            (column, getattr(report, column)) for column in ENTERED_COLUMNS if getattr(report, column)
        ),
    )


def content_of(report: AnnualReport) -> Content:
    """Return what the report says: counted anew as of its date while a draft, frozen once final."""
    if report.is_final:
        version = latest_version(report)
        if version is not None:
            return content_of_version(version)
    figures = drafting.compute(report.group_id, report.year, report.as_of)
    return Content(figures=figures, entered=entered_of(report), version=report.version_number, is_final=False)


def content_of_version(version: AnnualReportVersion) -> Content:
    """Return a final version's frozen content."""
    return content_module.load(Content, version.content)


# -- writing ------------------------------------------------------------------------------------------


def _touch(report: AnnualReport, by: Membership) -> None:
    """Record who changed the report and when."""
    report.updated_by_id = by.user_id
    report.updated_at = utcnow()


def _flush(report: AnnualReport, message: str = CHANGED_MESSAGE) -> None:
    """Write the report's changes; an edit that crossed another's is refused, never lost."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleReport(message) from None


def draft(group_id: int, by: Membership | None, year: int | None) -> AnnualReport:
    """Open the report of a year (the chair or vice chair); the year's report if it already exists.

    Its numbers are counted as of now, or as of the end of the year for a year gone by. Two
    drafts of the same year sent at once make one report: the second finds the first.
    """
    _check_may_edit(group_id, by)
    year = check_year(year)
    existing = find(group_id, year)
    if existing is not None:
        return existing
    report = AnnualReport(
        group_id=group_id,
        year=year,
        state=ReportState.DRAFT.value,
        as_of=counted_until(year),
        version_number=1,
        created_by_id=by.user_id,
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:
        # Drafted at the same moment by someone else: theirs is the year's report.
        existing = find(group_id, year)
        if existing is None:
            raise
        return existing
    return report


def _check_draft(report: AnnualReport, by: Membership | None) -> None:
    """Refuse a change of a report that is final, or by anyone but the chair or vice chair."""
    _check_may_edit(report.group_id, by)
    if report.is_final:
        raise DomainError(FINAL_MESSAGE)


def refresh(report: AnnualReport, by: Membership | None) -> AnnualReport:
    """Count the report's numbers again, as of now (or the end of its year): "Hämta siffrorna på nytt"."""
    _check_draft(report, by)
    report.as_of = counted_until(report.year)
    _touch(report, by)
    _flush(report, CHANGED_BEFORE_FINAL_MESSAGE)
    return report


def _number(column: str, value, limit: int, too_many: str) -> int | None:
    """Return a whole number of persons, refusing a negative or too large one beside its field."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise EnteredRefused(column, "Skriv ett heltal.") from None
    if value < 0:
        raise EnteredRefused(column, NEGATIVE_MESSAGE)
    if value > limit:
        raise EnteredRefused(column, too_many)
    return value


def _posts(column: str, value) -> int | None:
    """Return posts in hundredths, typed ("1,5") or already counted (150)."""
    if isinstance(value, str):
        try:
            return parse_posts(value)
        except PostsError as error:
            raise EnteredRefused(column, str(error)) from None
    return _number(column, value, MAX_POSTS * 100, f"Ange högst {MAX_POSTS} tjänster.")


def _text(column: str, value: str | None) -> str | None:
    """Return an entered part's Markdown, trimmed; refuse a personnummer or too long a text."""
    if value is not None and contains_personnummer(value):
        raise EnteredRefused(column, DEFAULT_MESSAGE)
    try:
        return clean_text(value, TEXT_LIMIT, "Texten")
    except DomainError as error:
        raise EnteredRefused(column, str(error)) from None


def save_entered(
    report: AnnualReport, by: Membership | None, values: Mapping[str, object], lock_version: int | None
) -> AnnualReport:
    """Save the parts the group writes: posts, persons and the texts (only the keys given).

    ``lock_version`` is the report's version the form was filled from: when someone has saved the
    report since, nothing is saved and the refusal says so (the form keeps the text). None saves
    over whatever is there. Every value is checked before any is written.
    """
    _check_draft(report, by)
    if lock_version is not None and lock_version != report.lock_version:
        raise StaleReport(CHANGED_MESSAGE)
    known = {*POST_COLUMNS, *PERSON_COLUMNS, *ENTERED_COLUMNS}
    unknown = sorted(set(values) - known)
    if unknown:
        raise DomainError(f"Okänd del av redovisningen: {unknown[0]}.")
    cleaned: dict[str, object] = {}
    for column, value in values.items():
        if column in POST_COLUMNS:
            cleaned[column] = _posts(column, value)
        elif column in PERSON_COLUMNS:
            cleaned[column] = _number(column, value, MAX_PERSONS, TOO_MANY_PERSONS_MESSAGE)
        else:
            cleaned[column] = _text(column, value)  # type: ignore[arg-type]
    for column, value in cleaned.items():
        if getattr(report, column) != value:
            setattr(report, column, value)
    _touch(report, by)
    _flush(report)
    return report


def finalise(
    report: AnnualReport, by: Membership | None, lock_version: int | None = None
) -> AnnualReportVersion:
    """Mark the report final: freeze its whole content as the next version, with its PDF's checksum.

    A second press (or a second tab) finds the report final and writes nothing.
    """
    _check_may_edit(report.group_id, by)
    if report.is_final or version_of(report, report.version_number) is not None:
        raise DomainError(ALREADY_FINAL_MESSAGE)
    if lock_version is not None and lock_version != report.lock_version:
        raise StaleReport(CHANGED_BEFORE_FINAL_MESSAGE)
    # Imported here: the PDF renderer is heavy, and only this write needs it.
    from . import export

    drafted = content_of(report)
    frozen = Content(
        figures=drafted.figures, entered=drafted.entered, version=report.version_number, is_final=True
    )
    rendered = export.pdf_of(frozen)
    now = utcnow()
    version = AnnualReportVersion(
        report=report,
        group_id=report.group_id,
        number=report.version_number,
        content=content_module.dump(frozen),
        checksum=rendered.sha256,
        correction_reason=report.correction_reason,
        finalised_by_id=by.user_id,
        finalised_at=now,
    )
    db.session.add(version)
    report.state = ReportState.FINAL.value
    _touch(report, by)
    try:
        _flush(report, ALREADY_FINAL_MESSAGE)
    except IntegrityError:
        # Marked final at the same moment in another tab: that one's version is the version.
        raise DomainError(ALREADY_FINAL_MESSAGE) from None
    return version


def correct(report: AnnualReport, by: Membership | None, reason: str | None) -> AnnualReport:
    """Open a final report again for a correction: the next version, with the reason it is made.

    The report's date stays: the correction fixes what the report says, its numbers stay counted
    as before unless the chair asks for them anew.
    """
    _check_may_edit(report.group_id, by)
    if not report.is_final:
        raise DomainError(NOT_FINAL_MESSAGE)
    if reason is not None and contains_personnummer(reason):
        raise DomainError(DEFAULT_MESSAGE)
    reason = clean_text(reason, REASON_LIMIT, "Skälet")
    if reason is None:
        raise DomainError(REASON_MESSAGE)
    report.state = ReportState.DRAFT.value
    report.version_number += 1
    report.correction_reason = reason
    _touch(report, by)
    _flush(report)
    return report
