"""Routes of one report's page: its answers, occurrences, escalations and history, and the small
forms that move it on.

Every write answers with the whole report section (#report) for htmx, so history, status and the
offered moves stay in step; without JavaScript each form posts and redirects to the page.
"""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from .. import answers
from ..answers import View
from ..htmx import render
from ..models import AgendaItem, Meeting, Membership, ReportStatus, SystemErrorReport
from . import bp, queries, services, views
from .forms import (
    CommentForm,
    ConfidentialityForm,
    EscalationForm,
    OwnerForm,
    ReclassifyForm,
    ReplyForm,
    TransitionForm,
    escalation_values,
)


def _section(report: SystemErrorReport, template: str, **extra) -> View:
    """Return the report page or one of its parts, the report read anew when it is rendered."""
    return View(template, lambda: views.reloaded_context(report.id, **extra))


def _saved(report: SystemErrorReport, notice: str, anchor: str):
    """Answer a saved change: the fresh #report section for htmx, else a 303 to the page's section."""
    return answers.saved(
        notice, to=views.report_url(report, anchor), fragment=_section(report, views.REPORT, notice=notice)
    )


def _refused(report: SystemErrorReport, **extra):
    """Answer a refused change: the section or page again, the refused form with its messages."""
    return answers.refused(
        fragment=_section(report, views.REPORT, **extra), page=_section(report, views.PAGE, **extra)
    )


def _not_manager(report: SystemErrorReport):
    """Refuse a member who may not move the report on: the report again, the reason on top.

    Not a 403: the member may use the register, just not change this report.
    """
    return _refused(report, refusal=views.NOT_MANAGER)


def _follow_answer(report: SystemErrorReport, done: answers.Attempt, notice: str):
    """Answer a follow or unfollow: the button for htmx, else a 303 to the page with the message."""
    button = _section(report, views.FOLLOW, focus_follow=True, follow_error=done.message)
    if done:
        return answers.saved(notice, to=views.report_url(report), fragment=button)
    # Without htmx a refusal goes back to the page, its message flashed there.
    return answers.refused(
        fragment=button, page=answers.back_to(views.report_url(report)), message=done.message
    )


@bp.get("/<number>")
def show(group_id, number):
    """Show one report: its answers, occurrences, escalations and whole history."""
    return render(views.PAGE, views.REPORT, **views.report_context(views.report_or_404(number)))


@bp.post("/<number>/comments")
def comment(group_id, number):
    """Comment on a report (Markdown)."""
    report = views.report_or_404(number)
    form = CommentForm()
    if answers.attempt(
        services.add_comment,
        report,
        current_user,
        form.text.data,
        form=form,
        field=form.text,
        keep_as="comment",
        once=True,
    ):
        return _saved(report, "Kommentaren är sparad.", "report-history")
    return _refused(report)


@bp.post("/<number>/follow")
def follow(group_id, number):
    """Follow a report."""
    report = views.report_or_404(number)
    return _follow_answer(
        report, answers.attempt(services.follow, report, current_user), "Du följer rapporten."
    )


@bp.post("/<number>/unfollow")
def unfollow(group_id, number):
    """Stop following a report."""
    report = views.report_or_404(number)
    done = answers.attempt(services.unfollow, report, current_user)
    return _follow_answer(report, done, "Du följer inte längre rapporten.")


@bp.post("/<number>/status")
def transition(group_id, number):
    """Move a report to another status, with what the move needs."""
    report = views.report_or_404(number)
    if not views.may_manage(report):
        return _not_manager(report)
    form = TransitionForm()
    form.set_choices(queries.meetings(g.group.id), queries.owners(g.group.id))
    to = form.status()
    done = answers.attempt(
        services.change_status,
        report,
        current_user,
        to,
        form.reason.data,
        meeting=queries.in_group(Meeting, g.group.id, form.meeting_id.data),
        agenda_item=queries.in_group(AgendaItem, g.group.id, form.agenda_item_id.data),
        owner=queries.in_group(Membership, g.group.id, form.owner_id.data),
        next_review_on=form.next_review_on.data,
        escalation=escalation_values(form) if to == ReportStatus.ESCALATED else None,
        form=form,
        field=form.to,
        keep_as=f"to-{form.to.data}",
    )
    if done:
        return _saved(report, f"Rapporten har nu status {to.label.lower()}.", "report-history")
    return _refused(report)


@bp.post("/<number>/classification")
def reclassify(group_id, number):
    """Change a report's level and category; the history keeps the old ones."""
    report = views.report_or_404(number)
    if not views.may_manage(report):
        return _not_manager(report)
    form = ReclassifyForm()
    if answers.attempt(
        services.reclassify,
        report,
        current_user,
        form.level.data,
        form.category.data,
        form=form,
        field=form.category,
        keep_as="reclassify",
    ):
        return _saved(report, "Nivå och kategori är ändrade.", "report-history")
    return _refused(report)


@bp.post("/<number>/escalations")
def escalate(group_id, number):
    """Escalate a report (again) to a body outside the group; it stays open."""
    report = views.report_or_404(number)
    if not views.may_manage(report):
        return _not_manager(report)
    form = EscalationForm()
    if answers.attempt(
        services.change_status,
        report,
        current_user,
        ReportStatus.ESCALATED,
        form.reason.data,
        escalation=escalation_values(form),
        form=form,
        field=form.body,
        keep_as="escalate",
        once=True,
    ):
        return _saved(report, "Eskaleringen är registrerad.", "report-escalations")
    return _refused(report)


@bp.post("/<number>/escalations/<int:escalation_id>/reply")
def record_reply(group_id, number, escalation_id):
    """Record the reply to an escalation and its outcome."""
    report = views.report_or_404(number)
    escalation = next((e for e in report.escalations if e.id == escalation_id), None)
    if escalation is None:
        abort(404)
    if not views.may_manage(report):
        return _not_manager(report)
    form = ReplyForm()
    if answers.attempt(
        services.record_reply,
        escalation,
        current_user,
        form.received_on.data,
        form.reply.data,
        form.outcome.data,
        form=form,
        field=form.reply,
        keep_as=f"reply-{escalation_id}",
        once=True,
    ):
        return _saved(report, "Svaret är registrerat.", "report-escalations")
    return _refused(report)


@bp.post("/<number>/owner")
def set_owner(group_id, number):
    """Give a report an owner and a next review date."""
    report = views.report_or_404(number)
    if not views.may_manage(report):
        return _not_manager(report)
    form = OwnerForm()
    form.set_choices(queries.owners(g.group.id))
    if answers.attempt(
        services.set_owner,
        report,
        current_user,
        queries.in_group(Membership, g.group.id, form.owner_id.data),
        form.next_review_on.data,
        form=form,
        field=form.owner_id,
        keep_as="owner",
    ):
        return _saved(report, "Ansvarig och nästa uppföljning är sparade.", "report-history")
    return _refused(report)


@bp.post("/<number>/confidentiality")
def confidentiality(group_id, number):
    """Mark a report confidential, or lift that."""
    report = views.report_or_404(number)
    if not views.may_manage(report):
        return _not_manager(report)
    form = ConfidentialityForm()
    if answers.attempt(
        services.set_confidential,
        report,
        current_user,
        form.is_confidential(),
        form=form,
        field=form.confidential,
        keep_as="confidentiality",
    ):
        notice = "Rapporten är sekretessmarkerad." if report.is_confidential else "Sekretessen är borttagen."
        return _saved(report, notice, "report-history")
    return _refused(report)
