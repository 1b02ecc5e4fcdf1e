"""Routes for the systemfel register: the list, its export, "Mina rapporter" and the guided form."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import abort, current_app, flash, g, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain import DomainError
from ..extensions import db
from ..htmx import render
from ..inputs import int_arg
from ..models import (
    Level,
    Membership,
    Occurrence,
    Organisation,
    ReportEvent,
    ReportFollower,
    ReportStatus,
    SystemErrorReport,
    User,
)
from ..models.system_error import report_organisation
from ..personnummer import contains_personnummer
from . import bp, search, services
from .forms import ReportFilterForm, ReportForm, category_choices

#: How many look-alike reports the form suggests while a report is typed.
SIMILAR_LIMIT = 5
#: The filters of the list, as query parameters (a filtered list can be bookmarked).
FILTERS = ("q", "status", "level", "category", "organisation", "owner", "reporter", "year", "sort")
#: Characters that make a spreadsheet treat a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _organisations() -> list[Organisation]:
    """Return every organisation, by name."""
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()


def _visible(query):
    """Restrict a report query to what the current member may see."""
    return services.visibility_filter(query, g.group, current_user, g.membership)


# -- the list ----------------------------------------------------------------------------------


def _filter_form() -> ReportFilterForm:
    """Return the list's filter form, read from the query string, with its choices."""
    form = ReportFilterForm(request.args)
    # Only people and years of reports the member may see, so a hidden report shows nowhere.
    visible = _visible(select(SystemErrorReport.id)).scalar_subquery()
    owners = db.session.scalars(
        select(Membership)
        .where(Membership.id.in_(select(SystemErrorReport.owner_id).where(SystemErrorReport.id.in_(visible))))
        .options(selectinload(Membership.user))
    ).all()
    reporters = db.session.scalars(
        select(User).where(
            User.id.in_(select(SystemErrorReport.reporter_id).where(SystemErrorReport.id.in_(visible)))
        )
    ).all()
    years = db.session.scalars(
        select(SystemErrorReport.number_year)
        .where(SystemErrorReport.id.in_(visible), SystemErrorReport.number_year.is_not(None))
        .distinct()
    ).all()
    form.set_choices(
        _organisations(),
        sorted(owners, key=lambda m: m.user.name),
        sorted(reporters, key=lambda u: u.name),
        sorted(years, reverse=True),
    )
    return form


def _apply_filters(query, filters: dict, skip: str | None = None):
    """Narrow a report query by the chosen filters (all but ``skip``, for the counts)."""
    status = filters["status"]
    if skip != "status":
        if status:
            query = query.where(SystemErrorReport.status == status)
        else:
            query = query.where(SystemErrorReport.status != ReportStatus.DRAFT.value)
    if filters["level"] and skip != "level":
        query = query.where(SystemErrorReport.level == filters["level"])
    if filters["category"]:
        query = query.where(SystemErrorReport.category == filters["category"])
    if filters["organisation"]:
        affected = (
            select(report_organisation.c.report_id)
            .where(report_organisation.c.organisation_id == filters["organisation"])
            .scalar_subquery()
        )
        query = query.where(
            (SystemErrorReport.fixer_organisation_id == filters["organisation"])
            | SystemErrorReport.id.in_(affected)
        )
    if filters["owner"]:
        query = query.where(SystemErrorReport.owner_id == filters["owner"])
    if filters["reporter"]:
        query = query.where(SystemErrorReport.reporter_id == filters["reporter"])
    if filters["year"]:
        query = query.where(SystemErrorReport.number_year == filters["year"])
    return query


def _order(query, sort: str | None, terms: list[str]):
    """Order the list: best match first for a search, else by the chosen sort."""
    if terms and not sort:
        return search.ranked(query, terms)
    newest = (SystemErrorReport.submitted_at.desc(), SystemErrorReport.id.desc())
    orders = {
        "oldest": (SystemErrorReport.submitted_at, SystemErrorReport.id),
        "number": (SystemErrorReport.number_year.desc(), SystemErrorReport.number_seq.desc()),
        "status": (SystemErrorReport.status, *newest),
    }
    return query.order_by(*orders.get(sort, newest))


def _list_query(form: ReportFilterForm):
    """Return (query, filters, terms, refused message) for the list as the URL asks for it."""
    filters = {name: form.value(name) for name in FILTERS if name != "q"}
    filters["q"] = (form.q.data or "").strip()
    try:
        terms = search.terms_of(filters["q"])
    except DomainError as error:
        # A refused search is neither run nor echoed nor logged: it may hold a personnummer.
        form.q.data = ""
        filters["q"] = ""
        return None, filters, [], str(error)
    query = _apply_filters(_visible(select(SystemErrorReport)), filters)
    query = search.matching(query, terms)
    return query, filters, terms, None


def _counts(filters: dict, terms: list[str], by: str) -> dict[str, int]:
    """Count the visible reports per status or level, under the other filters (one query)."""
    column = getattr(SystemErrorReport, by)
    query = _apply_filters(_visible(select(column, func.count())), filters, skip=by)
    query = search.matching(query, terms).group_by(column)
    return dict(db.session.execute(query).all())


def _report_options():
    """Load what a row of the list shows, in a few queries for the whole page."""
    return (
        selectinload(SystemErrorReport.reporter),
        selectinload(SystemErrorReport.owner).selectinload(Membership.user),
        selectinload(SystemErrorReport.occurrences),
        selectinload(SystemErrorReport.escalations),
    )


@bp.get("")
def index(group_id):
    """List the group's reports, filtered, searched, sorted and a page at a time."""
    form = _filter_form()
    query, filters, terms, refused = _list_query(form)
    page, snippets, status_counts, level_counts = None, {}, {}, {}
    if query is not None:
        page = db.paginate(
            _order(query, filters["sort"], terms).options(*_report_options()),
            page=int_arg("page", 1),
            per_page=current_app.config["PAGE_SIZE"],
            error_out=False,
        )
        snippets = search.snippets([r.id for r in page.items], terms)
        status_counts = _counts(filters, terms, "status")
        level_counts = _counts(filters, terms, "level")
    return render(
        "system_errors/index.html",
        "system_errors/_list.html",
        group=g.group,
        form=form,
        page=page,
        filters={k: v for k, v in filters.items() if v not in (None, "")},
        snippets=snippets,
        refused=refused,
        status_counts=status_counts,
        level_counts=level_counts,
        statuses=list(ReportStatus),
        levels=list(Level),
    )


def _safe_cell(value) -> str:
    """Return a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@bp.get("/export.csv")
def export(group_id):
    """Download the current list (same filters, every page) as CSV for Excel."""
    form = _filter_form()
    query, filters, terms, refused = _list_query(form)
    reports = []
    if query is not None:
        reports = db.session.scalars(_order(query, filters["sort"], terms).options(*_report_options())).all()
    buffer = io.StringIO()
    # Semicolons: Swedish Excel reads them as the column separator (comma is the decimal mark).
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Nummer",
            "Rubrik",
            "Status",
            "Nivå",
            "Kategori",
            "Rapportör",
            "Ansvarig",
            "Inskickad",
            "Förekomster",
            "Eskalerad till",
        ]
    )
    for r in reports:
        writer.writerow(
            _safe_cell(cell)
            for cell in (
                r.number or "Utkast",
                r.title,
                r.status_label,
                r.level_label,
                r.category_label,
                r.reporter.name,
                r.owner.user.name if r.owner else "",
                r.submitted_at.date().isoformat() if r.submitted_at else "",
                len(r.occurrences) + 1,
                ", ".join(e.body_label for e in r.escalations),
            )
        )
    # The BOM makes Excel read the file as UTF-8, so å, ä and ö come out right.
    response = make_response("\ufeff" + buffer.getvalue())
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="systemfel-{date.today().isoformat()}.csv"'
    )
    return response


@bp.get("/mine")
def mine(group_id):
    """Show the member's own reports and drafts, and those they follow, with their last event."""
    own = (
        (SystemErrorReport.reporter_id == current_user.id)
        | SystemErrorReport.id.in_(
            select(ReportFollower.report_id)
            .where(ReportFollower.user_id == current_user.id)
            .scalar_subquery()
        )
        | SystemErrorReport.id.in_(
            select(Occurrence.report_id).where(Occurrence.reporter_id == current_user.id).scalar_subquery()
        )
    )
    reports = db.session.scalars(
        _visible(select(SystemErrorReport))
        .where(own)
        .order_by(SystemErrorReport.updated_at.desc(), SystemErrorReport.id.desc())
        .options(selectinload(SystemErrorReport.owner).selectinload(Membership.user))
    ).all()
    last_ids = (
        select(func.max(ReportEvent.id))
        .where(ReportEvent.report_id.in_([r.id for r in reports]))
        .group_by(ReportEvent.report_id)
    )
    last_events = (
        {
            e.report_id: e
            for e in db.session.scalars(
                select(ReportEvent)
                .where(ReportEvent.id.in_(last_ids))
                .options(selectinload(ReportEvent.actor))
            )
        }
        if reports
        else {}
    )
    # What happened last comes first, so the ombud sees news at the top.
    reports = sorted(
        reports,
        key=lambda r: last_events[r.id].occurred_at if r.id in last_events else r.updated_at,
        reverse=True,
    )
    drafts = [r for r in reports if r.status == ReportStatus.DRAFT.value]
    mine_ = [r for r in reports if r.reporter_id == current_user.id and r not in drafts]
    followed = [r for r in reports if r.reporter_id != current_user.id]
    return render(
        "system_errors/mine.html",
        "system_errors/mine.html",
        group=g.group,
        drafts=drafts,
        own=mine_,
        followed=followed,
        last_events=last_events,
        status_labels={s.value: s.label for s in ReportStatus},
        url_number=services.url_number,
    )


# -- the guided form ------------------------------------------------------------------------------


def _report_form(report: SystemErrorReport | None = None) -> ReportForm:
    """Return the report form with its choices (and a draft's answers when editing)."""
    form = ReportForm(obj=report)
    form.set_choices(_organisations())
    if report is not None and request.method == "GET":
        form.affected_organisation_ids.data = [o.id for o in report.affected_organisations]
    return form


def _save(form: ReportForm, report: SystemErrorReport | None):
    """Validate and save the form as a draft or a submitted report; return the report or None."""
    submit = request.form.get("action", "submit") != "draft"
    valid = form.validate()
    if submit:
        valid = form.check_complete() and valid
    if not valid:
        return None
    try:
        saved = services.save_report(g.group, current_user, form.values(), report=report, submit=submit)
    except DomainError as error:
        db.session.rollback()
        form.title.errors = [*form.title.errors, str(error)]
        return None
    db.session.commit()
    if submit:
        flash(f"Rapporten är inskickad som {saved.number}. Gruppen ser den nu.", "success")
        return redirect(url_for("system_errors.mine", group_id=g.group.id), code=303)
    flash("Utkastet är sparat. Bara du ser det tills du skickar in det.", "success")
    return redirect(
        url_for("system_errors.edit", group_id=g.group.id, number=services.url_number(saved)), code=303
    )


@bp.get("/new")
def new(group_id):
    """Show the guided form for a new system error."""
    return render("system_errors/new.html", "system_errors/new.html", group=g.group, form=_report_form())


@bp.post("/new")
def create(group_id):
    """Save a new report as a draft, or submit it to the group."""
    form = _report_form()
    return _save(form, None) or render(
        "system_errors/new.html", "system_errors/new.html", status=422, group=g.group, form=form
    )


@bp.get("/categories")
def categories(group_id):
    """Show the category field with the chosen level's categories (swapped in by htmx)."""
    form = ReportForm(request.args, meta={"csrf": False})
    level = request.args.get("level") or None
    if level not in {lv.value for lv in Level}:
        level = None
    form.category.choices = category_choices(level)
    if form.category.data not in {c.value for c in services.categories_of(level)} and level:
        form.category.data = ""
    return render(
        "system_errors/categories.html",
        "system_errors/_categories.html",
        group=g.group,
        form=form,
        level_label=Level(level).label if level else None,
    )


@bp.get("/similar")
def similar(group_id):
    """Show visible reports of the group that look like the one being typed."""
    title = request.args.get("title", "")[:10_000]
    description = request.args.get("description", "")[:10_000]
    reports, refused = [], False
    if contains_personnummer(title) or contains_personnummer(description):
        refused = True  # no search, and nothing of the text kept or logged
    else:
        terms = search.similar_terms(title, description)
        if terms:
            query = _visible(select(SystemErrorReport)).where(
                SystemErrorReport.status != ReportStatus.DRAFT.value
            )
            query = search.ranked(search.matching(query, terms, any_term=True), terms, any_term=True)
            reports = db.session.scalars(query.limit(SIMILAR_LIMIT)).all()
    return render(
        "system_errors/similar.html",
        "system_errors/_similar.html",
        group=g.group,
        reports=reports,
        refused=refused,
        title="" if refused else title,
        description="" if refused else description,
        url_number=services.url_number,
    )


def _draft_or_redirect(number: str):
    """Return the author's draft, or a redirect for a submitted report (404 if not visible)."""
    report = services.get_report(g.group, number, current_user, g.membership)
    if report is None:
        abort(404)
    if report.status != ReportStatus.DRAFT.value or report.reporter_id != current_user.id:
        flash("Rapporten är redan inskickad. Lägg till en kommentar eller en förekomst i stället.", "info")
        return None, redirect(
            url_for("system_errors.show", group_id=g.group.id, number=report.number), code=303
        )
    return report, None


@bp.get("/<number>/edit")
def edit(group_id, number):
    """Show the guided form for the author's draft."""
    report, response = _draft_or_redirect(number)
    if response is not None:
        return response
    form = _report_form(report)
    return render(
        "system_errors/edit.html", "system_errors/edit.html", group=g.group, form=form, report=report
    )


@bp.post("/<number>/edit")
def update(group_id, number):
    """Save the author's draft again, or submit it."""
    report, response = _draft_or_redirect(number)
    if response is not None:
        return response
    form = _report_form(report)
    return _save(form, report) or render(
        "system_errors/edit.html",
        "system_errors/edit.html",
        status=422,
        group=g.group,
        form=form,
        report=report,
    )


# -- the report page --
# One report: its answers, occurrences, escalations and history, and the small forms that move
# it on. Every write re-renders the whole report section (#report) for htmx, so history,
# status and the offered moves stay in step; without JavaScript each form posts and redirects.

from flask import abort as _abort  # noqa: E402
from flask import current_app as _current_app  # noqa: E402
from flask import flash as _flash  # noqa: E402
from flask import g as _g  # noqa: E402
from flask import redirect as _redirect  # noqa: E402
from flask import render_template as _render_template  # noqa: E402
from flask import url_for as _url_for  # noqa: E402
from flask_login import current_user as _current_user  # noqa: E402
from sqlalchemy import select as _select  # noqa: E402
from sqlalchemy.orm import joinedload as _joinedload  # noqa: E402
from sqlalchemy.orm import selectinload as _selectinload  # noqa: E402

from .. import permissions as _permissions  # noqa: E402
from ..domain import DomainError as _DomainError  # noqa: E402
from ..domain import commit_or_error as _commit_or_error  # noqa: E402
from ..extensions import db as _db  # noqa: E402
from ..htmx import render as _render  # noqa: E402
from ..htmx import wants_fragment as _wants_fragment  # noqa: E402
from ..models import AgendaItem as _AgendaItem  # noqa: E402
from ..models import Meeting as _Meeting  # noqa: E402
from ..models import Membership as _Membership  # noqa: E402
from ..models import Municipality as _Municipality  # noqa: E402
from ..models import Occurrence as _Occurrence  # noqa: E402
from ..models import ReportEvent as _ReportEvent  # noqa: E402
from ..models import ReportStatus as _ReportStatus  # noqa: E402
from ..models import SystemErrorReport as _SystemErrorReport  # noqa: E402
from . import bp as _bp  # noqa: E402
from . import services as _services  # noqa: E402
from .forms import CommentForm as _CommentForm  # noqa: E402
from .forms import ConfidentialityForm as _ConfidentialityForm  # noqa: E402
from .forms import EscalationForm as _EscalationForm  # noqa: E402
from .forms import OccurrenceForm as _OccurrenceForm  # noqa: E402
from .forms import OwnerForm as _OwnerForm  # noqa: E402
from .forms import ReclassifyForm as _ReclassifyForm  # noqa: E402
from .forms import ReplyForm as _ReplyForm  # noqa: E402
from .forms import TransitionForm as _TransitionForm  # noqa: E402

_S = _ReportStatus
_NOT_MANAGER = "Bara ordföranden, vice ordföranden eller rapportens ansvariga kan ändra rapporten."
#: How many of the group's meetings the "taken up at" select offers, newest first.
_MEETING_CHOICES = 12
#: The long answers of the guided form, in the order of the reporting routine.
_ANSWERS = (
    ("description", "Beskrivning"),
    ("causes", "Analys av orsaker"),
    ("consequences", "Konsekvenser"),
    ("proposal", "Förslag till lösning"),
    ("system_view", "Systemperspektiv"),
    ("resolution", "Vad som gjordes"),
    ("close_reason", "Skäl till att rapporten avslutades utan åtgärd"),
)


def _report_or_404(number: str) -> _SystemErrorReport:
    """Return the report the member may see, loaded with all the page shows, or answer 404."""
    report = _services.get_report(_g.group, number, _current_user, _g.membership)
    if report is None:
        _abort(404)
    return _load_report(report.id)


def _load_report(report_id: int) -> _SystemErrorReport:
    """Load a report with its occurrences, escalations and history in a handful of queries."""
    R = _SystemErrorReport
    return _db.session.scalars(
        _select(R)
        .where(R.id == report_id)
        .options(
            _joinedload(R.reporter),
            _joinedload(R.fixer_organisation),
            _joinedload(R.owner).joinedload(_Membership.user),
            _joinedload(R.meeting),
            _joinedload(R.agenda_item),
            _selectinload(R.affected_organisations),
            _selectinload(R.occurrences).joinedload(_Occurrence.reporter),
            _selectinload(R.occurrences).joinedload(_Occurrence.municipality),
            _selectinload(R.escalations),
            _selectinload(R.events).joinedload(_ReportEvent.actor),
        )
        .execution_options(populate_existing=True)
    ).one()


def _may_manage(report: _SystemErrorReport) -> bool:
    """Return whether the caller may move the report on: a seated chair, vice chair or its owner."""
    return (
        report.status != _S.DRAFT.value
        and bool(_g.roles & _permissions.MEMBERS)
        and _services.can_manage(report, _g.membership)
    )


def _may_lead() -> bool:
    """Return whether the caller leads the group (owner and confidentiality are theirs)."""
    return bool(_g.roles & _permissions.LEADERS)


def _meetings() -> list[_Meeting]:
    """Return the group's latest meetings with their agenda items, newest first."""
    return _db.session.scalars(
        _select(_Meeting)
        .where(_Meeting.group_id == _g.group.id)
        .order_by(_Meeting.starts_at.desc())
        .limit(_MEETING_CHOICES)
        .options(_selectinload(_Meeting.items))
    ).all()


def _owners() -> list[_Membership]:
    """Return the members who may own a report: active members and substitutes of the group."""
    members = _db.session.scalars(
        _select(_Membership)
        .where(_Membership.group_id == _g.group.id, _Membership.ended_at.is_(None))
        .options(_joinedload(_Membership.user), _joinedload(_Membership.organisation))
    ).all()
    owners = [m for m in members if m.role_enum in _services.FULL_VIEW_ROLES]
    return sorted(owners, key=lambda m: m.user.name)


def _move_label(current: _ReportStatus, to: _ReportStatus) -> str:
    """Return the button text of a status move."""
    if (current, to) in _services.BACKWARD:
        return f"Flytta tillbaka till {to.label.lower()}"
    return {
        _S.TAKEN_UP: "Ta upp på ett möte",
        _S.IN_PROGRESS: "Börja arbeta: ge rapporten en ansvarig",
        _S.RESOLVED: "Markera som åtgärdad",
        _S.CLOSED: "Avsluta utan åtgärd",
    }.get(to, f"Ändra status till {to.label.lower()}")


def _move_fields(current: _ReportStatus, to: _ReportStatus) -> dict:
    """Return what a move asks for: its fields, and how the reason is labelled and whether required."""
    backward = (current, to) in _services.BACKWARD
    fields = []
    if to == _S.TAKEN_UP:
        fields = ["meeting_id", "agenda_item_id"]
    elif to == _S.IN_PROGRESS and current in {_S.TAKEN_UP, _S.SUBMITTED}:
        fields = ["owner_id", "next_review_on"]
    if to == _S.RESOLVED:
        reason = ("Vad gjordes?", True)
    elif to == _S.CLOSED:
        reason = ("Varför avslutas rapporten utan åtgärd?", True)
    elif backward:
        reason = ("Varför flyttas rapporten tillbaka?", True)
    else:
        reason = ("Anteckning (valfri)", False)
    return {"fields": fields, "reason_label": reason[0], "reason_required": reason[1]}


def _report_context(report: _SystemErrorReport, failed: tuple[str, object] | None = None, **extra) -> dict:
    """Return everything the report page shows; ``failed`` is (key, form) of a refused form."""
    failed_key, failed_form = failed or (None, None)

    def pick(key, make):
        return failed_form if key == failed_key else make()

    manage = _may_manage(report)
    lead = manage and _may_lead()
    current = report.status_enum
    context = {
        "group": _g.group,
        "report": report,
        "number": _services.url_number(report),
        "answers": [(label, getattr(report, key)) for key, label in _ANSWERS if getattr(report, key)],
        "summary": _services.occurrence_summary(report),
        "following": _services.is_following(report, _current_user),
        "is_draft": current == _S.DRAFT,
        "sees_all": _services.sees_all(_g.membership),
        "manage": manage,
        "lead": lead,
        "failed_key": failed_key,
        "failed_form": failed_form,
        "status_labels": {s.value: s.label for s in _S},
        "links": {e: e in _current_app.view_functions for e in ("system_errors.index", "system_errors.edit")},
        "comment_form": pick("comment", _CommentForm),
        "moves": [],
        "reply_forms": {},
    }
    if manage:
        meetings = _meetings() if _S.TAKEN_UP in _services.TRANSITIONS[current] else []
        owners = _owners()
        for to in sorted(_services.TRANSITIONS[current] - {_S.ESCALATED}, key=list(_S).index):
            form = pick(f"to-{to.value}", lambda to=to: _TransitionForm(formdata=None, to=to.value))
            form.set_choices(meetings, owners)
            context["moves"].append(
                {"to": to, "key": f"to-{to.value}", "label": _move_label(current, to), "form": form}
                | _move_fields(current, to)
            )
        if _S.ESCALATED in _services.TRANSITIONS[current]:
            context["escalation_form"] = pick("escalate", lambda: _EscalationForm(formdata=None))
        context["reclassify_form"] = pick(
            "reclassify", lambda: _ReclassifyForm(formdata=None, level=report.level, category=report.category)
        )
        context["reply_forms"] = {
            e.id: pick(f"reply-{e.id}", lambda: _ReplyForm(formdata=None))
            for e in report.escalations
            if e.reply_received_on is None
        }
        if lead:
            owner_form = pick(
                "owner",
                lambda: _OwnerForm(
                    formdata=None, owner_id=report.owner_id, next_review_on=report.next_review_on
                ),
            )
            owner_form.set_choices(owners)
            context["owner_form"] = owner_form
            context["confidentiality_form"] = pick(
                "confidentiality", lambda: _ConfidentialityForm(formdata=None)
            )
    context.update(extra)
    return context


def _show_page(report: _SystemErrorReport, status: int = 200, **context):
    """Render the report page, or its #report section for htmx."""
    return _render(
        "system_errors/show.html",
        "system_errors/_report.html",
        status=status,
        **_report_context(report, **context),
    )


def _done(report: _SystemErrorReport, message: str, anchor: str | None = None):
    """Answer a successful write: the fresh report section for htmx, else a 303 to the page."""
    if _wants_fragment():
        return _show_page(_load_report(report.id), notice=message)
    _flash(message, "success")
    url = _url_for("system_errors.show", group_id=_g.group.id, number=_services.url_number(report))
    return _redirect(url + (f"#{anchor}" if anchor else ""), code=303)


def _refused(report: _SystemErrorReport, key: str, form):
    """Answer a refused write: the form again with its messages, nothing saved."""
    # htmx 2 does not swap 4xx responses, so the section with the messages comes back as 200.
    status = 200 if _wants_fragment() else 422
    return _show_page(_load_report(report.id), status=status, failed=(key, form))


def _forbidden(report: _SystemErrorReport):
    """Refuse a member who may not move the report on: the page again, with the reason."""
    # Not a 403: the member may use the register, just not change this report, so they get the
    # report back (status 200 for htmx, which does not swap 4xx) with the message on top.
    status = 200 if _wants_fragment() else 422
    return _show_page(report, status=status, refusal=_NOT_MANAGER)


def _in_group(model, object_id):
    """Return the group's object for an id chosen in a form (None for none or another group's)."""
    if object_id is None:
        return None
    obj = _db.session.get(model, object_id)
    return obj if obj is not None and obj.group_id == _g.group.id else None


def _escalation_values(form) -> dict:
    """Return the escalation fields of a form as service arguments."""
    return {
        "body": form.body.data or None,
        "body_other": form.body_other.data,
        "sent_on": form.sent_on.data,
        "channel": form.channel.data,
        "reply_expected_by": form.reply_expected_by.data,
    }


@_bp.get("/<number>")
def show(group_id, number):
    """Show one report: its answers, occurrences, escalations and whole history."""
    return _show_page(_report_or_404(number))


@_bp.get("/<number>/occurrences/new")
def new_occurrence(group_id, number):
    """Show the form to add an occurrence to a report."""
    report = _report_or_404(number)
    form = _OccurrenceForm(formdata=None)
    form.set_choices(_g.group.municipalities)
    return _render_occurrence_page(report, form)


def _render_occurrence_page(report, form, status: int = 200):
    """Render the occurrence form page."""
    page = _render_template(
        "system_errors/new_occurrence.html",
        group=_g.group,
        report=report,
        number=_services.url_number(report),
        form=form,
        links={"system_errors.index": "system_errors.index" in _current_app.view_functions},
    )
    return page, status


@_bp.post("/<number>/occurrences")
def add_occurrence(group_id, number):
    """Add another time the error was met; a finished report is reopened."""
    report = _report_or_404(number)
    form = _OccurrenceForm()
    form.set_choices(_g.group.municipalities)
    was_finished = report.status_enum in _services.FINISHED
    if form.validate() and _commit_or_error(
        form.occurred_on,
        _services.add_occurrence,
        report,
        _current_user,
        form.occurred_on.data,
        municipality=_in_group(_Municipality, form.municipality_id.data),
        client_count=form.client_count.data,
        note=form.note.data,
    ):
        _flash("Förekomsten är tillagd.", "success")
        if was_finished:
            _flash(
                "Rapporten var avslutad men har återöppnats som inskickad, så att gruppen tar upp den igen.",
                "info",
            )
        url = _url_for("system_errors.show", group_id=_g.group.id, number=_services.url_number(report))
        return _redirect(url + "#report-occurrences", code=303)
    return _render_occurrence_page(_load_report(report.id), form, 422)


@_bp.post("/<number>/comments")
def comment(group_id, number):
    """Comment on a report (Markdown)."""
    report = _report_or_404(number)
    form = _CommentForm()
    if form.validate() and _commit_or_error(
        form.text, _services.add_comment, report, _current_user, form.text.data
    ):
        return _done(report, "Kommentaren är sparad.", "report-history")
    return _refused(report, "comment", form)


def _follow_response(report, message: str | None = None, error: str | None = None):
    """Answer a follow or unfollow: the button for htmx, else a 303 to the page."""
    if _wants_fragment():
        return _render(
            "system_errors/show.html",
            "system_errors/_follow.html",
            **_report_context(_load_report(report.id), focus_follow=True, follow_error=error),
        )
    _flash(error or message, "error" if error else "success")
    return _redirect(
        _url_for("system_errors.show", group_id=_g.group.id, number=_services.url_number(report)), code=303
    )


@_bp.post("/<number>/follow")
def follow(group_id, number):
    """Follow a report."""
    report = _report_or_404(number)
    if report.status == _S.DRAFT.value:
        return _follow_response(report, error="Ett utkast kan inte följas.")
    _services.follow(report, _current_user)
    _db.session.commit()
    return _follow_response(report, "Du följer rapporten.")


@_bp.post("/<number>/unfollow")
def unfollow(group_id, number):
    """Stop following a report."""
    report = _report_or_404(number)
    try:
        _services.unfollow(report, _current_user)
    except _DomainError as error:
        _db.session.rollback()
        return _follow_response(report, error=str(error))
    _db.session.commit()
    return _follow_response(report, "Du följer inte längre rapporten.")


@_bp.post("/<number>/status")
def transition(group_id, number):
    """Move a report to another status, with what the move needs."""
    report = _report_or_404(number)
    if not _may_manage(report):
        return _forbidden(report)
    form = _TransitionForm()
    form.set_choices(_meetings(), _owners())
    try:
        to = _S(form.to.data)
    except ValueError:
        to = None
    if to is None or to == _S.DRAFT:
        form.to.errors = ["Välj en giltig status."]
    elif form.validate():
        meeting = _in_group(_Meeting, form.meeting_id.data)
        agenda_item = _in_group(_AgendaItem, form.agenda_item_id.data)
        owner = _in_group(_Membership, form.owner_id.data)
        if _commit_or_error(
            form.to,
            _services.change_status,
            report,
            _current_user,
            to,
            form.reason.data,
            meeting=meeting,
            agenda_item=agenda_item,
            owner=owner,
            next_review_on=form.next_review_on.data,
            escalation=_escalation_values(form) if to == _S.ESCALATED else None,
        ):
            return _done(report, f"Rapporten har nu status {to.label.lower()}.", "report-history")
    return _refused(report, f"to-{form.to.data}", form)


@_bp.post("/<number>/classification")
def reclassify(group_id, number):
    """Change a report's level and category; the history keeps the old ones."""
    report = _report_or_404(number)
    if not _may_manage(report):
        return _forbidden(report)
    form = _ReclassifyForm()
    if form.validate() and _commit_or_error(
        form.category, _services.reclassify, report, _current_user, form.level.data, form.category.data
    ):
        return _done(report, "Nivå och kategori är ändrade.", "report-history")
    return _refused(report, "reclassify", form)


@_bp.post("/<number>/escalations")
def escalate(group_id, number):
    """Escalate a report (again) to a body outside the group; it stays open."""
    report = _report_or_404(number)
    if not _may_manage(report):
        return _forbidden(report)
    form = _EscalationForm()
    if form.validate() and _commit_or_error(
        form.body,
        _services.change_status,
        report,
        _current_user,
        _S.ESCALATED,
        form.reason.data,
        escalation=_escalation_values(form),
    ):
        return _done(report, "Eskaleringen är registrerad.", "report-escalations")
    return _refused(report, "escalate", form)


@_bp.post("/<number>/escalations/<int:escalation_id>/reply")
def record_reply(group_id, number, escalation_id):
    """Record the reply to an escalation and its outcome."""
    report = _report_or_404(number)
    escalation = next((e for e in report.escalations if e.id == escalation_id), None)
    if escalation is None:
        _abort(404)
    if not _may_manage(report):
        return _forbidden(report)
    form = _ReplyForm()
    if form.validate() and _commit_or_error(
        form.reply,
        _services.record_reply,
        escalation,
        _current_user,
        form.received_on.data,
        form.reply.data,
        form.outcome.data,
    ):
        return _done(report, "Svaret är registrerat.", "report-escalations")
    return _refused(report, f"reply-{escalation_id}", form)


@_bp.post("/<number>/owner")
def set_owner(group_id, number):
    """Give a report an owner and a next review date."""
    report = _report_or_404(number)
    if not _may_manage(report):
        return _forbidden(report)
    form = _OwnerForm()
    form.set_choices(_owners())
    if form.validate() and _commit_or_error(
        form.owner_id,
        _services.set_owner,
        report,
        _current_user,
        _in_group(_Membership, form.owner_id.data),
        form.next_review_on.data,
    ):
        return _done(report, "Ansvarig och nästa uppföljning är sparade.", "report-history")
    return _refused(report, "owner", form)


@_bp.post("/<number>/confidentiality")
def confidentiality(group_id, number):
    """Mark a report confidential, or lift that."""
    report = _report_or_404(number)
    if not _may_manage(report):
        return _forbidden(report)
    form = _ConfidentialityForm()
    if form.validate() and _commit_or_error(
        form.confidential, _services.set_confidential, report, _current_user, form.confidential.data == "1"
    ):
        message = "Rapporten är sekretessmarkerad." if report.is_confidential else "Sekretessen är borttagen."
        return _done(report, message, "report-history")
    return _refused(report, "confidentiality", form)
