"""Routes for the minutes page: officers, attendance, §§, guests, jäv, justering and rättelser.

Every write is one service call: it commits, or it rolls back and the Swedish message goes beside
the field (422 for a full page; htmx gets the fragment with the message as 200, since htmx 2 does
not swap error responses). The decisions and protokollsanteckningar of a § have their own routes
(decision_routes); the print view and the PDF too.
"""

from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for

from .. import mail
from ..domain import DomainError, commit_or_error, commit_or_refusal
from ..extensions import db
from ..groups import services as group_services
from ..htmx import wants_fragment
from . import bp, lookups, notices, services, views
from .forms import ConfidentialForm, CorrectionForm, JusteraForm, NewParagraphForm
from .lookups import load as _load
from .lookups import paragraph_or_404 as _paragraph_or_404

# -- lookups ---------------------------------------------------------------------------------


def _child_or_404(minutes, attribute: str, child_id: int):
    """Return a guest or jäv entry of a § the caller may see, with its §, or answer 404."""
    return lookups.find_or_404(minutes, lambda paragraph: getattr(paragraph, attribute), child_id)


def _show_url(meeting, anchor: str | None = None) -> str:
    """Return the URL of the minutes page, optionally at one of its parts."""
    return url_for("minutes.show", group_id=meeting.group_id, meeting_id=meeting.id, _anchor=anchor)


def _page(meeting, minutes, status: int = 200, **parts):
    """Render the whole minutes page (parts override one part's context, see views.page_context)."""
    context = views.page_context(meeting, minutes, g.membership, **parts)
    response = make_response(render_template("minutes/show.html", **context), status)
    response.vary.add("HX-Request")
    return response


def _fragment(template: str, status: int = 200, **context):
    """Render a fragment for htmx."""
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def _attempt(action, *args):
    """Run one service call and commit; return the refusal's message (after a rollback), or None."""
    return commit_or_refusal(action, *args)[1]


# -- answering a change to one § -----------------------------------------------------------------


def _paragraph_saved(meeting_id: int, paragraph_id: int, message: str):
    """Answer a change to a §: the § again for htmx, the page at the § otherwise."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    if wants_fragment():
        context = views.paragraph_context(minutes, paragraph, g.membership, paragraph_notice=message)
        return _fragment("minutes/_paragraph.html", **context)
    flash(message, "success")
    return redirect(_show_url(meeting, f"paragraph-{paragraph.id}"), code=303)


def _paragraph_refused(
    meeting_id: int,
    paragraph_id: int,
    message: str | None = None,
    template="minutes/_paragraph.html",
    **extra,
):
    """Answer a refused change to a §: the § with the message (and forms with their errors)."""
    db.session.rollback()
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    if template == "minutes/_paragraph_form.html" and "form" not in extra:
        extra["form"] = views.paragraph_form(paragraph)
    if wants_fragment():
        context = views.paragraph_context(minutes, paragraph, g.membership, paragraph_error=message, **extra)
        return _fragment(template, **context)
    html = views.render_paragraph(
        minutes, paragraph, g.membership, template, paragraph_error=message, **extra
    )
    return _page(meeting, minutes, 422, blocks={paragraph.id: html})


def _paragraph_action(meeting_id: int, paragraph_id: int, action, success: str, *args):
    """Run one service call on a § and answer with the § (or the refusal)."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    error = _attempt(action, paragraph, g.membership, *args)
    if error is not None:
        return _paragraph_refused(meeting_id, paragraph_id, error)
    return _paragraph_saved(meeting_id, paragraph_id, success)


# -- the page ------------------------------------------------------------------------------------


@bp.get("/")
def show(group_id, meeting_id):
    """Show the minutes: officers, attendance, the §§, closing and justering, rättelser."""
    meeting, minutes = _load(meeting_id)
    return _page(meeting, minutes)


@bp.post("/officers")
def update_officers(group_id, meeting_id):
    """Choose the meeting's chair, secretary and justerare (the meeting chair, until closing)."""
    meeting, minutes = _load(meeting_id)
    members = group_services.active_memberships(g.group)
    form = views.officers_form(minutes, members, formdata=request.form)
    if form.validate():
        adjusters = [form.adjuster_id.data, form.second_adjuster_id.data]
        saved = commit_or_error(
            form.chair_id,
            services.set_officers,
            minutes,
            g.membership,
            form.chair_id.data,
            form.secretary_id.data,
            adjusters,
        )
        if saved is not None:
            message = "Mötets ordförande, sekreterare och justerare är sparade."
            if wants_fragment():
                meeting, minutes = _load(meeting_id)
                context = views.officers_context(minutes, g.membership, members, notice=message)
                return _fragment("minutes/_officers.html", **context)
            flash(message, "success")
            return redirect(_show_url(meeting, "officers"), code=303)
    else:
        db.session.rollback()
    meeting, minutes = _load(meeting_id)
    error = " ".join(form.chair_id.errors) or None
    if wants_fragment():
        context = views.officers_context(minutes, g.membership, members, form=form, error=error)
        return _fragment("minutes/_officers.html", **context)
    return _page(meeting, minutes, 422, officers={"form": form, "error": error})


@bp.post("/attendance/<int:membership_id>")
def update_attendance(group_id, meeting_id, membership_id):
    """Record one person's presence (and a substitute's service, late arrival or early leave)."""
    meeting, minutes = _load(meeting_id)
    membership = group_services.get_membership(g.group, membership_id)
    if membership is None:
        abort(404)
    row = views.row_for(minutes, membership)
    form = views.attendance_form(minutes, row, formdata=request.form)
    if form.validate():
        saved = commit_or_error(
            form.presence,
            services.set_attendance,
            minutes,
            g.membership,
            membership.id,
            form.presence.data,
            form.serving_for_id.data,
            form.arrived_at_id.data,
            form.left_after_id.data,
        )
        if saved is not None:
            message = f"Närvaron för {membership.user.name} är sparad."
            if wants_fragment():
                meeting, minutes = _load(meeting_id)
                context = views.attendance_row_context(minutes, membership, g.membership, notice=message)
                context["quorum_lines"] = views.quorum_lines(minutes, g.membership)
                return _fragment("minutes/_attendance_row.html", **context)
            flash(message, "success")
            return redirect(_show_url(meeting, f"attendance-{membership.id}"), code=303)
    else:
        db.session.rollback()
    meeting, minutes = _load(meeting_id)
    error = " ".join(form.presence.errors) or None
    if wants_fragment():
        context = views.attendance_row_context(minutes, membership, g.membership, form=form, error=error)
        return _fragment("minutes/_attendance_row.html", **context)
    return _page(
        meeting, minutes, 422, attendance={"forms": {membership.id: form}, "errors": {membership.id: error}}
    )


# -- §§ ------------------------------------------------------------------------------------------


@bp.post("/paragraphs")
def create_paragraph(group_id, meeting_id):
    """Add a § for a matter raised at the meeting."""
    meeting, minutes = _load(meeting_id)
    form = NewParagraphForm(prefix="new-paragraph")
    paragraph = None
    if form.validate():
        paragraph = commit_or_error(
            form.title, services.add_paragraph, minutes, g.membership, form.title.data
        )
    if paragraph is not None:
        message = f"{paragraph.label} {paragraph.title} är tillagd."
        anchor = f"paragraph-{paragraph.id}"
        if wants_fragment():
            meeting, minutes = _load(meeting_id)
            context = views.page_context(meeting, minutes, g.membership, paragraphs={"notice": message})
            return _fragment("minutes/_paragraphs.html", **context)
        flash(message, "success")
        return redirect(_show_url(meeting, anchor), code=303)
    db.session.rollback()
    meeting, minutes = _load(meeting_id)
    parts = {"form": form, "error": " ".join(form.title.errors) or None}
    if wants_fragment():
        return _fragment(
            "minutes/_paragraphs.html", **views.page_context(meeting, minutes, g.membership, paragraphs=parts)
        )
    return _page(meeting, minutes, 422, paragraphs=parts)


@bp.get("/paragraphs/<int:paragraph_id>")
def show_paragraph(group_id, meeting_id, paragraph_id):
    """Show one § (for htmx: the § block, e.g. when an edit is cancelled)."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    if wants_fragment():
        return _fragment(
            "minutes/_paragraph.html", **views.paragraph_context(minutes, paragraph, g.membership)
        )
    return redirect(_show_url(meeting, f"paragraph-{paragraph.id}"))


def _edit_refusal(minutes, paragraph) -> str | None:
    """Return why the caller may not edit a §'s text, or None."""
    if minutes.is_approved:
        return services.LOCKED
    if not services.can_write(minutes, g.membership):
        return "Bara mötets sekreterare och ordförande kan ändra protokollet."
    if paragraph.approved_at_meeting:
        return f"{paragraph.label} är omedelbart justerad och kan inte ändras."
    return None


@bp.get("/paragraphs/<int:paragraph_id>/edit")
def edit_paragraph(group_id, meeting_id, paragraph_id):
    """Show a §'s inline edit form (title and text, with the version it starts from)."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    refusal = _edit_refusal(minutes, paragraph)
    if refusal is not None:
        if wants_fragment():
            context = views.paragraph_context(minutes, paragraph, g.membership, paragraph_error=refusal)
            return _fragment("minutes/_paragraph.html", **context)
        html = views.render_paragraph(minutes, paragraph, g.membership, paragraph_error=refusal)
        # Locked minutes or a § justerad at the meeting are a state (409); not writing them is 403.
        locked = minutes.is_approved or paragraph.approved_at_meeting
        return _page(meeting, minutes, 409 if locked else 403, blocks={paragraph.id: html})
    form = views.paragraph_form(paragraph)
    if wants_fragment():
        context = views.paragraph_context(minutes, paragraph, g.membership, form=form)
        return _fragment("minutes/_paragraph_form.html", **context)
    html = views.render_paragraph(minutes, paragraph, g.membership, "minutes/_paragraph_form.html", form=form)
    return _page(meeting, minutes, blocks={paragraph.id: html})


@bp.post("/paragraphs/<int:paragraph_id>")
def update_paragraph(group_id, meeting_id, paragraph_id):
    """Save a §'s title and text; a save over a newer version answers 409 with both texts."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    form = views.paragraph_form(paragraph, formdata=request.form)
    if not form.validate():
        return _paragraph_refused(
            meeting_id, paragraph_id, template="minutes/_paragraph_form.html", form=form
        )
    try:
        services.save_paragraph(
            paragraph, g.membership, form.title.data, form.body.data, form.version_number()
        )
    except services.EditConflict as conflict:
        db.session.rollback()
        return _conflict(meeting_id, paragraph_id, form, conflict.mine)
    except DomainError as error:
        form.title.errors.append(str(error))
        return _paragraph_refused(
            meeting_id, paragraph_id, template="minutes/_paragraph_form.html", form=form
        )
    db.session.commit()
    return _paragraph_saved(meeting_id, paragraph_id, f"{paragraph.label} är sparad.")


def _conflict(meeting_id: int, paragraph_id: int, form, mine: str | None):
    """Answer a save over a newer version: the saved text, the writer's text, and the form again
    with the newer version and the writer's own text in it, so nothing typed is lost."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    again = views.paragraph_form(paragraph, title=form.title.data, body=mine or "")
    context = views.paragraph_context(minutes, paragraph, g.membership, form=again, mine=mine or "")
    if wants_fragment():
        # htmx 2 does not swap a 409; the writer must see the texts, so htmx gets them as 200.
        return _fragment("minutes/_paragraph_conflict.html", **context)
    html = views.render_paragraph(
        minutes, paragraph, g.membership, "minutes/_paragraph_conflict.html", form=again, mine=mine or ""
    )
    return _page(meeting, minutes, 409, blocks={paragraph.id: html})


@bp.post("/paragraphs/<int:paragraph_id>/confidential")
def paragraph_confidentiality(group_id, meeting_id, paragraph_id):
    """Mark a § confidential, or open again."""
    form = ConfidentialForm()
    wanted = form.wanted()
    message = "Paragrafen är sekretessbelagd." if wanted else "Paragrafen är inte längre sekretessbelagd."
    return _paragraph_action(meeting_id, paragraph_id, services.set_paragraph_confidential, message, wanted)


@bp.post("/paragraphs/<int:paragraph_id>/release")
def release_paragraph(group_id, meeting_id, paragraph_id):
    """Release a confidential § to everyone in the group (leaders; also after justering)."""
    return _paragraph_action(
        meeting_id,
        paragraph_id,
        services.release_paragraph,
        "Sekretessen är hävd. Alla i gruppen ser paragrafen.",
    )


@bp.post("/paragraphs/<int:paragraph_id>/approve")
def approve_paragraph(group_id, meeting_id, paragraph_id):
    """Mark a § omedelbart justerad (the meeting chair, while the meeting is under way)."""
    return _paragraph_action(
        meeting_id, paragraph_id, services.approve_at_meeting, "Paragrafen är omedelbart justerad."
    )


# -- guests and jäv ---------------------------------------------------------------------------------


@bp.post("/paragraphs/<int:paragraph_id>/guests")
def create_guest(group_id, meeting_id, paragraph_id):
    """Record someone else present at a §."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    form = views.guest_form(paragraph, formdata=request.form)
    guest = None
    if form.validate():
        guest = commit_or_error(
            form.name, services.add_guest, paragraph, g.membership, form.name.data, form.description.data
        )
    if guest is None:
        return _paragraph_refused(meeting_id, paragraph_id, guest_form=form)
    return _paragraph_saved(meeting_id, paragraph_id, f"{guest.name} är antecknad som närvarande.")


@bp.post("/guests/<int:guest_id>/delete")
def delete_guest(group_id, meeting_id, guest_id):
    """Remove a guest entered by mistake."""
    meeting, minutes = _load(meeting_id)
    paragraph, guest = _child_or_404(minutes, "guests", guest_id)
    name = guest.name
    error = _attempt(services.remove_guest, guest, g.membership)
    if error is not None:
        return _paragraph_refused(meeting_id, paragraph.id, error)
    return _paragraph_saved(meeting_id, paragraph.id, f"{name} är borttagen.")


@bp.post("/paragraphs/<int:paragraph_id>/recusals")
def create_recusal(group_id, meeting_id, paragraph_id):
    """Mark a member jävig in a §."""
    meeting, minutes = _load(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    form = views.recusal_form(minutes, paragraph, formdata=request.form)
    recusal = None
    if form.validate():
        recusal = commit_or_error(
            form.membership_id, services.recuse, paragraph, g.membership, form.membership_id.data
        )
    if recusal is None:
        return _paragraph_refused(meeting_id, paragraph_id, recusal_form=form)
    return _paragraph_saved(
        meeting_id, paragraph_id, f"{recusal.membership.user.name} är antecknad som jävig."
    )


@bp.post("/recusals/<int:recusal_id>/delete")
def delete_recusal(group_id, meeting_id, recusal_id):
    """Remove a jäv entered by mistake."""
    meeting, minutes = _load(meeting_id)
    paragraph, recusal = _child_or_404(minutes, "recusals", recusal_id)
    name = recusal.membership.user.name
    error = _attempt(services.withdraw_recusal, recusal, g.membership)
    if error is not None:
        return _paragraph_refused(meeting_id, paragraph.id, error)
    return _paragraph_saved(meeting_id, paragraph.id, f"Jävet för {name} är borttaget.")


# -- justering and rättelser ---------------------------------------------------------------------------


@bp.post("/justering")
def justera(group_id, meeting_id):
    """Justera the minutes, or send them back with comments (the meeting chair and justerare)."""
    meeting, minutes = _load(meeting_id)
    form = JusteraForm(prefix="justering")
    approval = None
    if form.validate():
        approval = commit_or_error(
            form.comment, _justera_and_tell, minutes, g.membership, form.approves(), form.comment.data
        )
    if approval is not None:
        mail.deliver_pending()
        meeting, minutes = _load(meeting_id)
        if minutes.is_approved:
            message = "Protokollet är justerat och låst."
        elif form.approves():
            message = "Du har justerat protokollet."
        else:
            message = "Protokollet är återsänt med dina synpunkter."
        if wants_fragment() and not minutes.is_approved:
            return _fragment(
                "minutes/_justering.html", **views.justering_context(minutes, g.membership, notice=message)
            )
        flash(message, "success")
        response = redirect(_show_url(meeting, "justering"), code=303)
        if wants_fragment():
            # Justerat: every edit control on the page goes away, so the whole page reloads.
            response = make_response("", 204)
            response.headers["HX-Redirect"] = _show_url(meeting, "justering")
            response.headers["HX-Refresh"] = "true"  # the same URL: only a refresh reloads it
        return response
    db.session.rollback()
    meeting, minutes = _load(meeting_id)
    error = " ".join(form.comment.errors) or None
    if wants_fragment():
        return _fragment(
            "minutes/_justering.html",
            **views.justering_context(minutes, g.membership, form=form, error=error),
        )
    return _page(meeting, minutes, 422, justering={"form": form, "error": error})


def _justera_and_tell(minutes, by, approves: bool, comment: str | None):
    """Justera (or send back) and queue the mail it calls for: the group when the minutes are
    justerade, the secretary when they are sent back."""
    approval = services.justera(minutes, by, approves, comment)
    if minutes.is_approved:
        notices.queue_approved(minutes)
    elif not approves:
        notices.queue_returned(minutes, approval)
    return approval


@bp.post("/corrections")
def create_correction(group_id, meeting_id):
    """Add a rättelse to justerade minutes (who, when, which § and why are kept)."""
    meeting, minutes = _load(meeting_id)
    form = CorrectionForm(prefix="correction")
    form.set_choices(services.visible_paragraphs(minutes, g.membership))
    correction = None
    if form.validate():
        correction = commit_or_error(
            form.text,
            services.add_correction,
            minutes,
            g.membership,
            form.paragraph_id.data,
            form.text.data,
            form.reason.data,
        )
    if correction is not None:
        message = "Rättelsen är införd i protokollet."
        if wants_fragment():
            meeting, minutes = _load(meeting_id)
            return _fragment(
                "minutes/_corrections.html",
                **views.corrections_context(minutes, g.membership, notice=message),
            )
        flash(message, "success")
        return redirect(_show_url(meeting, "corrections"), code=303)
    db.session.rollback()
    meeting, minutes = _load(meeting_id)
    error = " ".join(form.text.errors) or None
    if wants_fragment():
        return _fragment(
            "minutes/_corrections.html",
            **views.corrections_context(minutes, g.membership, form=form, error=error),
        )
    return _page(meeting, minutes, 422, corrections={"form": form, "error": error})
