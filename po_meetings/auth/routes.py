"""Login, logout and the account page."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.exceptions import TooManyRequests

from .. import answers
from ..answers import View
from ..calendar import services as calendar_services
from ..extensions import db
from ..notifications import services as notifications
from . import bp, devices, services, sessions, throttling
from .forms import ChangePasswordForm, LoginForm, NotificationsForm


def _next_field(target: str | None) -> str:
    """Return the ``next`` value to keep in the login form: a safe path, or nothing."""
    return target if services.is_safe_next(target) else ""


def _safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login, or the start page."""
    return target if services.is_safe_next(target) else url_for("main.index")


@bp.get("/login")
def login_form():
    """Show the login form."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return render_template("auth/login.html", form=LoginForm(), next=_next_field(request.args.get("next")))


@bp.post("/login")
def login():
    """Log in, throttling repeated failures; the session is replaced by a new one."""
    form = LoginForm()
    next_url = _next_field(request.form.get("next"))
    if not form.validate():
        return render_template("auth/login.html", form=form, next=next_url), 422
    outcome = throttling.check_login(
        form.email.data, form.password.data, request.remote_addr or "unknown", devices.presented()
    )
    if outcome.wait:
        raise TooManyRequests(retry_after=outcome.wait)
    if outcome.user is None:
        message = (
            "Kontot är avstängt. Kontakta systemadministratören."
            if outcome.disabled
            else "Fel e-postadress eller lösenord."
        )
        form.password.errors.append(message)
        return render_template("auth/login.html", form=form, next=next_url), 422
    user = outcome.user
    token = sessions.start(user)
    db.session.commit()
    sessions.install(user, token)
    return devices.remember(redirect(_safe_next(next_url), code=303), user.id, outcome.device)


@bp.post("/logout")
def logout():
    """Log out: the session ends on the server too, so a copy of the cookie opens nothing."""
    record = sessions.current_record()
    if record is not None:
        sessions.end(record, sessions.LOGOUT)
        db.session.commit()
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login_form"), code=303)


#: Session key for a new calendar feed URL, shown once on the account page and then forgotten.
NEW_FEED_URL = "new_calendar_feed_url"


#: The key under which a refused notification choice is kept for the page (answers.keep).
NOTIFICATIONS = "notifications"


def _account_context(form: ChangePasswordForm | None = None) -> dict:
    """Return the account page's context; a calendar link created just before is shown this once."""
    notify_form = answers.kept(
        NOTIFICATIONS, lambda: NotificationsForm(frequency=current_user.notify_frequency)
    )
    return dict(
        form=form or ChangePasswordForm(),
        notify_form=notify_form,
        new_feed_url=session.pop(NEW_FEED_URL, None),
    )


def _render_account(form: ChangePasswordForm):
    """Render the account page with this password form."""
    return render_template("auth/account.html", **_account_context(form))


@bp.get("/account")
def account():
    """Show the user's account, the password form and the calendar link."""
    return _render_account(ChangePasswordForm())


@bp.post("/account/password")
def change_password():
    """Change the user's own password; other sessions end, this one goes on."""
    form = ChangePasswordForm()
    if form.validate():
        user, record = current_user._get_current_object(), sessions.current_record()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data, keep=record)
        except services.DomainError as error:
            form.current_password.errors.append(str(error))
        else:
            # This session goes on under a new token: a copy of its cookie ends with the others.
            token = sessions.rotate(record)
            db.session.commit()
            sessions.install(user, token)
            flash("Ditt lösenord är bytt. Andra inloggningar med ditt konto har avslutats.", "success")
            return redirect(url_for("auth.account"), code=303)
    return _render_account(form), 422


@bp.post("/account/notifications")
def update_notifications():
    """Choose how often to be told of changes: at once, a daily or weekly digest, or never."""
    form = NotificationsForm()
    done = answers.attempt(
        notifications.set_notify_frequency,
        current_user._get_current_object(),
        form.frequency.data,
        form=form,
        field=form.frequency,
        keep_as=NOTIFICATIONS,
    )
    if done:
        return answers.saved("Dina val för aviseringar är sparade.", to=url_for("auth.account"))
    return answers.refused(page=View("auth/account.html", _account_context))


@bp.post("/account/calendar")
def create_calendar_token():
    """Create the user's private calendar link, replacing an earlier one, and show it once."""
    replaced = current_user.calendar_token_hash is not None
    token = calendar_services.create_token(current_user)
    db.session.commit()
    session[NEW_FEED_URL] = url_for("calendar.feed", token=token, _external=True)
    if replaced:
        flash("Du har fått en ny kalenderlänk. Den gamla länken fungerar inte längre.", "success")
    else:
        flash("Din kalenderlänk är skapad.", "success")
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/calendar/revoke")
def revoke_calendar_token():
    """Revoke the user's private calendar link: calendars that subscribe to it stop updating."""
    if calendar_services.revoke_token(current_user):
        db.session.commit()
        flash("Kalenderlänken är återkallad och fungerar inte längre.", "success")
    else:
        flash("Du har ingen kalenderlänk att återkalla.", "info")
    session.pop(NEW_FEED_URL, None)
    return redirect(url_for("auth.account"), code=303)
