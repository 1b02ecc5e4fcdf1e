"""Routes for meetings: the list, a meeting's page and details, its lifecycle and calendar file.

The agenda's routes are in ``agenda_routes.py``, the proposals and answers in
``proposal_routes.py``.
"""

from __future__ import annotations

from flask import abort, flash, g, make_response, render_template, url_for

from .. import answers, mail
from ..agendas import services as agenda_services
from ..calendar.ics import calendar_bytes
from ..forms import ConfirmForm
from ..minutes import closing_views
from ..minutes import services as minutes_services
from ..models import MeetingKind, MeetingStatus
from . import bp, lookups, services, views
from .forms import ReasonForm


def agenda_refused(meeting, message: str):
    """Answer a refused agenda change: the agenda with the message for htmx, a flash otherwise."""
    return answers.refused(
        fragment=views.agenda(meeting.id, error=message),
        page=answers.back_to(views.show_url(meeting, "agenda")),
        message=message,
    )


# -- the meetings list and a meeting's details -------------------------------------------------


@bp.get("/")
def index(group_id):
    """List the group's coming and past meetings."""
    coming, past = services.meetings_of(g.group, g.membership)
    return render_template("meetings/index.html", group=g.group, coming=coming, past=past)


@bp.get("/new")
def new(group_id):
    """Show the form for a new meeting."""
    return views.new_page(views.new_meeting_form()).render()


def _create_meeting(form):
    """Create the meeting a validated form describes, from the chosen template (404 if gone)."""
    template = None
    if form.template_id.data is not None:
        template = agenda_services.get_template(g.group, form.template_id.data)
        if template is None:
            abort(404)
    length = template.meeting_minutes if template else g.group.default_meeting_minutes
    return services.create_meeting(
        g.group,
        template,
        form.title.data,
        services.local_datetime(form.day.data, form.starts.data),
        services.local_datetime(form.day.data, form.end_clock(length)),
        place=form.place.data,
        video_link=form.video_link.data,
        kind=MeetingKind(form.kind.data) if form.kind.data else None,
    )


@bp.post("/")
def create(group_id):
    """Create a meeting in draft with a copy of the chosen template's agenda."""
    form = views.new_meeting_form()
    done = answers.attempt(_create_meeting, form, form=form, field=form.ends, once=True)
    if done:
        return answers.saved(
            "Mötet är skapat som utkast. Bara du och vice ordföranden ser det tills du kallar.",
            to=views.show_url(done.value),
        )
    return answers.refused(page=views.new_page(form))


@bp.get("/<int:meeting_id>")
def show(group_id, meeting_id):
    """Show the meeting page (for htmx: its agenda, refreshed when another part changes it)."""
    return answers.page_or_fragment(page=views.page(meeting_id), fragment=views.agenda(meeting_id))


@bp.get("/<int:meeting_id>/edit")
def edit(group_id, meeting_id):
    """Show the form for a meeting's title, time and place."""
    meeting = lookups.meeting_or_404(meeting_id)
    locked = services.agenda_locked(meeting)
    if locked:
        return agenda_refused(meeting, locked)
    return views.edit_page(meeting, views.edit_meeting_form(meeting)).render()


@bp.post("/<int:meeting_id>")
def update(group_id, meeting_id):
    """Change a meeting's title, time and place."""
    meeting = lookups.meeting_or_404(meeting_id)
    locked = services.agenda_locked(meeting)
    if locked:
        return agenda_refused(meeting, locked)
    form = views.edit_meeting_form(meeting)
    done = answers.attempt(
        lambda: services.update_meeting(
            meeting,
            form.title.data,
            services.local_datetime(form.day.data, form.starts.data),
            services.local_datetime(form.day.data, form.end_clock(meeting.length_minutes)),
            form.place.data,
            form.video_link.data,
        ),
        form=form,
        field=form.ends,
    )
    if not done:
        return answers.refused(page=views.edit_page(meeting, form))
    notice = "Mötet är ändrat."
    if meeting.status_enum == MeetingStatus.CALLED:
        notice += (
            " Inget nytt utskick har gått ut: ta tillbaka mötet till utkast och publicera igen"
            " för att skicka en ändrad kallelse."
        )
    return answers.saved(notice, to=views.show_url(meeting))


# -- the lifecycle: publish (kallelse), back to draft, cancel, start, close ----------------------


def _change(meeting_id: int, action, notice: str, then: str | None = None):
    """Run one status change and go to the meeting page (or ``then``), with the outcome as a message."""
    meeting = lookups.meeting_or_404(meeting_id)
    done = answers.attempt(action, meeting)
    then_url = url_for(then, group_id=meeting.group_id, meeting_id=meeting.id) if then else None
    if done:
        return answers.saved(notice, to=then_url or views.show_url(meeting))
    # A refused close is fixed on the minutes page (choose the secretary, decide a note...).
    back = then_url if then_url and meeting.status_enum == MeetingStatus.IN_PROGRESS else None
    return answers.refused(page=answers.back_to(back or views.show_url(meeting)), message=done.message)


def _tell_delivery(what: str, always: bool = False) -> None:
    """Send the mail the change queued and say in Swedish how it went (if any went, or ``always``)."""
    sent, failed = mail.deliver_pending()
    if failed:
        flash(
            f"E-postservern svarar inte just nu, så {what} kunde inte skickas ({failed} st)."
            " De ligger kvar i utkorgen och skickas igen senare.",
            "error",
        )
    elif sent == 1:
        flash(f"1 person har fått {what} med e-post.", "success")
    elif sent or always:
        flash(f"{sent} personer har fått {what} med e-post.", "success")


@bp.post("/<int:meeting_id>/publish")
def publish(group_id, meeting_id):
    """Publish the agenda: the meeting is kallad and everyone gets the kallelse by mail."""
    meeting = lookups.meeting_or_404(meeting_id)
    done = answers.attempt(services.publish_agenda, meeting)
    if not done:
        return answers.refused(page=answers.back_to(views.show_url(meeting)), message=done.message)
    response = answers.saved("Dagordningen är publicerad och mötet är kallat.", to=views.show_url(meeting))
    _tell_delivery("den ändrade kallelsen" if meeting.notice_count > 1 else "kallelsen", always=True)
    return response


@bp.post("/<int:meeting_id>/unpublish")
def unpublish(group_id, meeting_id):
    """Take a kallad meeting back to draft."""
    return _change(
        meeting_id,
        services.unpublish_agenda,
        "Mötet är ett utkast igen och syns bara för dig och vice ordföranden."
        " När du publicerar igen får alla en ändrad kallelse.",
    )


@bp.post("/<int:meeting_id>/cancel")
def cancel(group_id, meeting_id):
    """Cancel the meeting with a reason; if it was kallad, everyone is told by mail."""
    meeting = lookups.meeting_or_404(meeting_id)
    form = ReasonForm()
    done = answers.attempt(
        services.cancel_meeting, meeting, form.reason.data, form=form, field=form.reason, keep_as=views.CANCEL
    )
    if done:
        response = answers.saved("Mötet är inställt.", to=views.show_url(meeting))
        _tell_delivery("beskedet om det inställda mötet")
        return response
    if done.message:  # the change itself was refused: the cancel form may be gone from the page
        return answers.refused(page=answers.back_to(views.show_url(meeting)), message=done.message)
    return answers.refused(page=views.page(meeting_id))


@bp.post("/<int:meeting_id>/start")
def start(group_id, meeting_id):
    """Open the meeting and its minutes (one § per agenda item); a meeting planned for a later day
    asks first (a page with its own button), and then takes place today."""
    meeting = lookups.meeting_or_404(meeting_id)
    form = ConfirmForm()
    early = meeting.status_enum == MeetingStatus.CALLED and services.planned_later(meeting)
    if early and not form.confirmed():
        return views.confirm_start_page(meeting).render()
    notice = "Mötet pågår. Protokollet är öppnat."
    if early:
        notice += " Mötet hålls i dag, före den planerade dagen: mötets datum och tid är nu de verkliga."
    return _change(meeting_id, lambda m: services.start_meeting(m, early=early), notice, "minutes.show")


@bp.post("/<int:meeting_id>/close")
def close(group_id, meeting_id):
    """Close the meeting: the minutes freeze and go to the chair and the justerare for justering.

    The first press shows a summary of the minutes (what stops the close, what may be a slip) with
    its own button; only that confirmed step closes. The minutes' checks run (secretary, justerare,
    votes); the service queues the mail.
    """
    meeting = lookups.meeting_or_404(meeting_id)
    if meeting.status_enum == MeetingStatus.IN_PROGRESS and not ConfirmForm().confirmed():
        return closing_views.confirm_close_view(meeting_id).render()
    response = _change(
        meeting_id,
        lambda meeting: minutes_services.close(meeting, g.membership),
        "Mötet är avslutat. Protokollet går till justering.",
        "minutes.show",
    )
    _tell_delivery("besked om justeringen")
    return response


# -- the calendar file -------------------------------------------------------------------------------


@bp.get("/<int:meeting_id>.ics")
def ics(group_id, meeting_id):
    """Download the meeting as an iCalendar file."""
    meeting = lookups.meeting_or_404(meeting_id)
    response = make_response(calendar_bytes([meeting], g.group.name))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    day = services.local(meeting.starts_at).strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="mote-{day}.ics"'
    return response
