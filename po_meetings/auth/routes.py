"""Login, logout and the account page."""

import secrets
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from ..calendar import services as calendar_services
from ..extensions import db
from . import bp, services
from .forms import ChangePasswordForm, LoginForm


def _safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login, or the start page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


def _start_session(user) -> None:
    """Replace the whole session (a new session id) and log the user in."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    session["last_seen"] = int(time.time())
    login_user(user)


@bp.get("/login")
def login_form():
    """Show the login form."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return render_template("auth/login.html", form=LoginForm(), next=request.args.get("next", ""))


@bp.post("/login")
def login():
    """Log in, throttling repeated failures."""
    form = LoginForm()
    next_url = request.form.get("next", "")
    if not form.validate():
        return render_template("auth/login.html", form=form, next=next_url), 422
    remote_addr = request.remote_addr or "unknown"
    wait = services.login_wait_seconds(form.email.data, remote_addr)
    if wait:
        raise TooManyRequests(retry_after=wait)
    user = services.authenticate(form.email.data, form.password.data)
    if user is None or not user.is_active:
        services.record_login_failure(form.email.data, remote_addr)
        db.session.commit()
        message = (
            "Kontot är avstängt. Kontakta systemadministratören."
            if user is not None
            else "Fel e-postadress eller lösenord."
        )
        form.password.errors.append(message)
        return render_template("auth/login.html", form=form, next=next_url), 422
    services.clear_login_failures(user.email)
    db.session.commit()
    _start_session(user)
    return redirect(_safe_next(next_url), code=303)


@bp.post("/logout")
def logout():
    """Log out and end the session."""
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login_form"), code=303)


#: Session key for a new calendar feed URL, shown once on the account page and then forgotten.
NEW_FEED_URL = "new_calendar_feed_url"


def _render_account(form: ChangePasswordForm):
    """Render the account page; a calendar link created just before is shown this once."""
    return render_template("auth/account.html", form=form, new_feed_url=session.pop(NEW_FEED_URL, None))


@bp.get("/account")
def account():
    """Show the user's account, the password form and the calendar link."""
    return _render_account(ChangePasswordForm())


@bp.post("/account/password")
def change_password():
    """Change the user's own password; other sessions end, this one goes on."""
    form = ChangePasswordForm()
    if form.validate():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.DomainError as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash("Ditt lösenord är bytt. Andra inloggningar med ditt konto har avslutats.", "success")
            return redirect(url_for("auth.account"), code=303)
    return _render_account(form), 422


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
