"""Routes for the minutes page: attendance, officers, §§, guests, jäv, justering and rättelser.

Every write is one service call (``answers.attempt``): saved, htmx gets the updated part with a
notice and a plain form goes back to the part on the page (303); refused, nothing is saved and the
Swedish message shows beside its field, in the part (htmx) or on the whole page (422). The
decisions and protokollsanteckningar of a § have their own routes (decision_routes); the print
view and the PDF too (document_routes).
"""

from __future__ import annotations

from flask import g, redirect, request, url_for

from .. import answers, mail
from ..answers import View
from ..groups import services as group_services
from . import bp, lookups, services, views
from .forms import ConfidentialForm, CorrectionForm, JusteraForm, NewParagraphForm, WithdrawJusteringForm


def _show_url(meeting_id: int, anchor: str | None = None) -> str:
    """Return the URL of the minutes page, optionally at one of its parts."""
    return url_for("minutes.show", group_id=g.group.id, meeting_id=meeting_id, _anchor=anchor)


def _child_or_404(minutes, attribute: str, child_id: int):
    """Return a guest or jäv entry of a § the caller may see, with its §, or answer 404."""
    return lookups.find_or_404(minutes, lambda paragraph: getattr(paragraph, attribute), child_id)


def _answer(done: answers.Attempt, meeting_id: int, paragraph_id: int, notice: str | None, error=None):
    """Answer a change to a §: the § with the notice, or with the refusal.

    A refused form shows again in the § (it is kept); ``error`` is a refusal without a form, shown
    at the top of the §.
    """
    if done:
        fragment = views.paragraph_view(meeting_id, paragraph_id, notice=notice)
        return answers.saved(notice, to=_show_url(meeting_id, f"paragraph-{paragraph_id}"), fragment=fragment)
    return answers.refused(
        fragment=views.paragraph_view(meeting_id, paragraph_id, error=error),
        page=views.page_view(meeting_id, at=paragraph_id, error=error),
    )


# -- the page ------------------------------------------------------------------------------------


@bp.get("/")
def show(group_id, meeting_id):
    """Show the minutes: officers, attendance, the §§, closing and justering, rättelser."""
    return View(views.PAGE, views.page_context(meeting_id)).render()


@bp.post("/officers")
def update_officers(group_id, meeting_id):
    """Choose the meeting's chair, secretary and justerare, each saved on its own (the meeting chair,
    until closing): a valid choice is kept, a refused one comes back with its message beside it."""
    _, minutes = lookups.load(meeting_id)
    members = group_services.active_memberships(g.group)
    form = views.officers_form(minutes, members, formdata=request.form)
    done = answers.attempt(
        services.choose_officers,
        minutes,
        g.membership,
        form.chair_id.data,
        form.secretary_id.data,
        [form.adjuster_id.data, form.second_adjuster_id.data],
        form=form,
        field=form.chair_id,
        keep_as=views.OFFICERS_KEY,
    )
    if done and not done.value.refused:
        notice = "Mötets ordförande, sekreterare och justerare är sparade."
        part = View(views.OFFICERS, lambda: views.officers_context(meeting_id, notice))
        return answers.saved(notice, to=_show_url(meeting_id, "officers"), fragment=part)
    notice = None
    if done:  # some were saved: the others' messages go beside their own fields
        notice = views.officers_saved_notice(done.value.saved)
        views.keep_refused_officers(form, done.value.refused, notice)
    part = View(views.OFFICERS, lambda: views.officers_context(meeting_id, notice))
    return answers.refused(fragment=part, page=views.page_view(meeting_id))


@bp.post("/attendance")
def save_attendance(group_id, meeting_id):
    """Record everyone's attendance in one save (presence, a substitute's service, late arrival or
    early leave); a refusal shows beside its person and nothing is saved."""
    _, minutes = lookups.load(meeting_id)
    people = views.attendance_people(minutes, group_services.active_memberships(g.group))
    form = views.attendance_list_form(minutes, people, formdata=request.form)
    done = answers.attempt(
        lambda: services.set_attendances(minutes, g.membership, views.attendance_entries(form)),
        form=form,
        keep_as=views.ATTENDANCE_KEY,
    )
    if done:
        notice = "Närvaron är sparad."
        part = View(views.ATTENDANCE, lambda: views.attendance_context(meeting_id, notice))
        return answers.saved(notice, to=_show_url(meeting_id, "attendance"), fragment=part)
    if done.error is not None:
        views.place_attendance_refusal(form, done.error)
    part = View(views.ATTENDANCE, lambda: views.attendance_context(meeting_id))
    return answers.refused(fragment=part, page=views.page_view(meeting_id))


# -- §§ ------------------------------------------------------------------------------------------


@bp.post("/paragraphs")
def create_paragraph(group_id, meeting_id):
    """Add a § for a matter raised at the meeting."""
    _, minutes = lookups.load(meeting_id)
    form = NewParagraphForm(prefix="new-paragraph")
    done = answers.attempt(
        services.add_paragraph,
        minutes,
        g.membership,
        form.title.data,
        form=form,
        field=form.title,
        keep_as=views.NEW_PARAGRAPH_KEY,
        once=True,
    )
    if done:
        paragraph = done.value
        notice = f"{paragraph.label} {paragraph.title} är tillagd."
        anchor = f"paragraph-{paragraph.id}"
        part = View(views.PARAGRAPHS, lambda: views.paragraphs_context(meeting_id, notice))
        return answers.saved(notice, to=_show_url(meeting_id, anchor), fragment=part)
    part = View(views.PARAGRAPHS, lambda: views.paragraphs_context(meeting_id))
    return answers.refused(fragment=part, page=views.page_view(meeting_id))


@bp.get("/paragraphs/<int:paragraph_id>")
def show_paragraph(group_id, meeting_id, paragraph_id):
    """Show one § (for htmx: the § block, e.g. when an edit is cancelled; else the page at the §)."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    return answers.page_or_fragment(
        page=lambda: redirect(_show_url(meeting_id, f"paragraph-{paragraph.id}")),
        fragment=views.paragraph_view(meeting_id, paragraph.id),
    )


@bp.get("/paragraphs/<int:paragraph_id>/edit")
def edit_paragraph(group_id, meeting_id, paragraph_id):
    """Show a §'s inline edit form (title and text, with the version it starts from)."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    refusal = views.edit_refusal(minutes, paragraph, g.membership)
    if refusal is not None:
        # Locked minutes or a § justerad at the meeting are a state (409); not writing them is 403.
        locked = minutes.is_approved or paragraph.approved_at_meeting
        return answers.refused(
            fragment=views.paragraph_view(meeting_id, paragraph.id, error=refusal),
            page=views.page_view(meeting_id, at=paragraph.id, error=refusal),
            status=409 if locked else 403,
        )
    return answers.page_or_fragment(
        page=views.page_view(meeting_id, at=paragraph.id, edit_text=True),
        fragment=views.paragraph_view(meeting_id, paragraph.id, edit_text=True),
    )


@bp.post("/paragraphs/<int:paragraph_id>")
def update_paragraph(group_id, meeting_id, paragraph_id):
    """Save a §'s title and text; a save over a newer version answers 409 with both texts."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    form = views.paragraph_form(paragraph, formdata=request.form)
    done = answers.attempt(
        services.save_paragraph,
        paragraph,
        g.membership,
        form.title.data,
        form.body.data,
        form.version_number(),
        form=form,
        field=form.title,
        keep_as=views.paragraph_key(paragraph.id, "text"),
    )
    if done:
        notice = f"{paragraph.label} är sparad."
        return _answer(done, meeting_id, paragraph_id, notice)
    conflict = isinstance(done.error, services.EditConflict)
    if conflict:
        # The saved text, the writer's text, and the form again at the newer version.
        views.keep_conflict(paragraph, form, done.error.mine)
    return answers.refused(
        fragment=views.paragraph_view(meeting_id, paragraph_id),
        page=views.page_view(meeting_id),
        status=409 if conflict else 422,
    )


@bp.post("/paragraphs/<int:paragraph_id>/confidential")
def paragraph_confidentiality(group_id, meeting_id, paragraph_id):
    """Mark a § confidential, or open again."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    wanted = ConfidentialForm().wanted()
    done = answers.attempt(services.set_paragraph_confidential, paragraph, g.membership, wanted)
    notice = "Paragrafen är sekretessbelagd." if wanted else "Paragrafen är inte längre sekretessbelagd."
    return _answer(done, meeting_id, paragraph_id, notice, done.message)


@bp.post("/paragraphs/<int:paragraph_id>/release")
def release_paragraph(group_id, meeting_id, paragraph_id):
    """Release a confidential § to everyone in the group (leaders; also after justering)."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    done = answers.attempt(services.release_paragraph, paragraph, g.membership)
    return _answer(
        done, meeting_id, paragraph_id, "Sekretessen är hävd. Alla i gruppen ser paragrafen.", done.message
    )


@bp.post("/paragraphs/<int:paragraph_id>/approve")
def approve_paragraph(group_id, meeting_id, paragraph_id):
    """Mark a § omedelbart justerad (the meeting chair, while the meeting is under way)."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    done = answers.attempt(services.approve_at_meeting, paragraph, g.membership)
    return _answer(done, meeting_id, paragraph_id, "Paragrafen är omedelbart justerad.", done.message)


# -- guests and jäv ---------------------------------------------------------------------------------


@bp.post("/paragraphs/<int:paragraph_id>/guests")
def create_guest(group_id, meeting_id, paragraph_id):
    """Record someone else present at a §."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    form = views.guest_form(paragraph, formdata=request.form)
    done = answers.attempt(
        services.add_guest,
        paragraph,
        g.membership,
        form.name.data,
        form.description.data,
        form=form,
        field=form.name,
        keep_as=views.paragraph_key(paragraph.id, "guest"),
        once=True,
    )
    notice = f"{done.value.name} är antecknad som närvarande." if done else None
    return _answer(done, meeting_id, paragraph_id, notice)


@bp.post("/guests/<int:guest_id>/delete")
def delete_guest(group_id, meeting_id, guest_id):
    """Remove a guest entered by mistake."""
    _, minutes = lookups.load(meeting_id)
    paragraph, guest = _child_or_404(minutes, "guests", guest_id)
    name = guest.name
    done = answers.attempt(services.remove_guest, guest, g.membership)
    return _answer(done, meeting_id, paragraph.id, f"{name} är borttagen.", done.message)


@bp.post("/paragraphs/<int:paragraph_id>/recusals")
def create_recusal(group_id, meeting_id, paragraph_id):
    """Mark a member jävig in a §."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    form = views.recusal_form(minutes, paragraph, formdata=request.form)
    done = answers.attempt(
        services.recuse,
        paragraph,
        g.membership,
        form.membership_id.data,
        form.ground.data,
        form=form,
        field=form.membership_id,
        keep_as=views.paragraph_key(paragraph.id, "recusal"),
        once=True,
    )
    notice = f"{done.value.membership.user.name} är antecknad som jävig." if done else None
    return _answer(done, meeting_id, paragraph_id, notice)


@bp.post("/recusals/<int:recusal_id>/delete")
def delete_recusal(group_id, meeting_id, recusal_id):
    """Remove a jäv entered by mistake."""
    _, minutes = lookups.load(meeting_id)
    paragraph, recusal = _child_or_404(minutes, "recusals", recusal_id)
    name = recusal.membership.user.name
    done = answers.attempt(services.withdraw_recusal, recusal, g.membership)
    return _answer(done, meeting_id, paragraph.id, f"Jävet för {name} är borttaget.", done.message)


# -- justering and rättelser ---------------------------------------------------------------------------


@bp.post("/justering")
def justera(group_id, meeting_id):
    """Justera the minutes, or send them back with comments (the meeting chair and justerare); the
    mail it calls for goes out at once."""
    _, minutes = lookups.load(meeting_id)
    form = JusteraForm(prefix="justering")
    done = answers.attempt(
        services.justera,
        minutes,
        g.membership,
        form.approves(),
        form.comment.data,
        form=form,
        field=form.comment,
        keep_as=views.JUSTERING_KEY,
    )
    if done:
        mail.deliver_pending()
        approved = done.value.minutes.is_approved
        if approved:
            notice = "Protokollet är justerat och låst."
        elif form.approves():
            notice = "Du har justerat protokollet."
        else:
            notice = "Protokollet är återsänt med dina synpunkter."
        part = View(views.JUSTERING, lambda: views.justering_context(meeting_id, notice))
        # Justerat: every edit control on the page goes away, so htmx loads the whole page anew.
        return answers.saved(notice, to=_show_url(meeting_id, "justering"), fragment=part, reload=approved)
    part = View(views.JUSTERING, lambda: views.justering_context(meeting_id))
    return answers.refused(fragment=part, page=views.page_view(meeting_id))


@bp.post("/justering/withdraw")
def withdraw_justering(group_id, meeting_id):
    """Take back one's own justering, with a reason (the chair or a justerare, until justerat)."""
    _, minutes = lookups.load(meeting_id)
    form = WithdrawJusteringForm(prefix="withdraw")
    done = answers.attempt(
        services.withdraw_justering,
        minutes,
        g.membership,
        form.reason.data,
        form=form,
        field=form.reason,
        keep_as=views.WITHDRAW_KEY,
    )
    if done:
        notice = "Din justering är återtagen. Protokollet väntar på din justering igen."
        part = View(views.JUSTERING, lambda: views.justering_context(meeting_id, notice))
        return answers.saved(notice, to=_show_url(meeting_id, "justering"), fragment=part)
    part = View(views.JUSTERING, lambda: views.justering_context(meeting_id))
    return answers.refused(fragment=part, page=views.page_view(meeting_id))


@bp.post("/corrections")
def create_correction(group_id, meeting_id):
    """Add a rättelse to justerade minutes (who, when, which § and why are kept)."""
    _, minutes = lookups.load(meeting_id)
    form = CorrectionForm(prefix="correction")
    form.set_choices(services.visible_paragraphs(minutes, g.membership))
    done = answers.attempt(
        services.add_correction,
        minutes,
        g.membership,
        form.paragraph_id.data,
        form.text.data,
        form.reason.data,
        form=form,
        field=form.text,
        keep_as=views.CORRECTION_KEY,
        once=True,
    )
    if done:
        notice = "Rättelsen är införd i protokollet."
        part = View(views.CORRECTIONS, lambda: views.corrections_context(meeting_id, notice))
        return answers.saved(notice, to=_show_url(meeting_id, "corrections"), fragment=part)
    part = View(views.CORRECTIONS, lambda: views.corrections_context(meeting_id))
    return answers.refused(fragment=part, page=views.page_view(meeting_id))
