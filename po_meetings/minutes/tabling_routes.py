"""Routes for bordläggning: table a §, take the bordläggning back, and take a tabled matter up
again in the minutes of a meeting under way.

A refusal answers 409 for justerade minutes (a state), 403 for someone who does not write these
minutes, else 422, with the Swedish message in the § (or at the top of the §§).
"""

from __future__ import annotations

from flask import abort, g, url_for

from .. import answers
from ..answers import View
from ..extensions import db
from ..models import Paragraph
from . import bp, lookups, services, views


def _show_url(meeting_id: int, anchor: str | None = None) -> str:
    """Return the URL of the minutes page, optionally at one of its parts."""
    return url_for("minutes.show", group_id=g.group.id, meeting_id=meeting_id, _anchor=anchor)


def _refusal_status(meeting_id: int) -> int:
    """Return the status of a refused change to the minutes: locked, not theirs, or bad input."""
    _, minutes = lookups.load(meeting_id)
    if minutes.is_approved:
        return 409
    return 422 if services.can_write(minutes, g.membership) else 403


def _answer(done: answers.Attempt, meeting_id: int, paragraph_id: int, notice: str):
    """Answer a change to one §: the § with the notice, or with the refusal."""
    if done:
        fragment = views.paragraph_view(meeting_id, paragraph_id, notice=notice)
        return answers.saved(notice, to=_show_url(meeting_id, f"paragraph-{paragraph_id}"), fragment=fragment)
    return answers.refused(
        fragment=views.paragraph_view(meeting_id, paragraph_id, error=done.message),
        page=views.page_view(meeting_id, at=paragraph_id, error=done.message),
        status=_refusal_status(meeting_id),
    )


def _tabled_or_404(paragraph_id: int) -> Paragraph:
    """Return a § of this group's minutes that the caller may see, or answer 404."""
    paragraph = db.session.get(Paragraph, paragraph_id)
    if paragraph is None or paragraph.group_id != g.group.id:
        abort(404)
    if paragraph.is_secret and not services.sees_confidential(g.membership):
        abort(404)
    return paragraph


@bp.post("/paragraphs/<int:paragraph_id>/table")
def table_paragraph(group_id, meeting_id, paragraph_id):
    """Table a § (bordlägg ärendet): it goes on the next agendas until it is decided."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    done = answers.attempt(services.table_paragraph, paragraph, g.membership)
    notice = "Ärendet är bordlagt. Det står på nästa dagordning tills det är avgjort."
    return _answer(done, meeting_id, paragraph_id, notice)


@bp.post("/paragraphs/<int:paragraph_id>/untable")
def untable_paragraph(group_id, meeting_id, paragraph_id):
    """Take back a bordläggning made by mistake."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    done = answers.attempt(services.untable_paragraph, paragraph, g.membership)
    return _answer(done, meeting_id, paragraph_id, "Paragrafen är inte längre bordlagd.")


@bp.post("/tabled/<int:paragraph_id>/take-up")
def take_up_tabled(group_id, meeting_id, paragraph_id):
    """Take a tabled matter of an earlier meeting up again: a new § at the end of these minutes."""
    _, minutes = lookups.load(meeting_id)
    tabled = _tabled_or_404(paragraph_id)
    done = answers.attempt(services.take_up_tabled, minutes, g.membership, tabled)
    if done:
        paragraph = done.value
        notice = f"{paragraph.label} {paragraph.title} tar upp det bordlagda ärendet."
        part = View(views.PARAGRAPHS, lambda: views.paragraphs_context(meeting_id, notice))
        return answers.saved(notice, to=_show_url(meeting_id, f"paragraph-{paragraph.id}"), fragment=part)
    part = View(
        views.PARAGRAPHS, lambda: {**views.paragraphs_context(meeting_id), "paragraphs_error": done.message}
    )
    return answers.refused(
        fragment=part,
        page=views.page_view(meeting_id),
        message=done.message,
        status=_refusal_status(meeting_id),
    )
