"""What the register's pages and fragments show: context builders for the templates.

Forms come from :func:`answers.kept`, so a refused form is shown again with its messages; the
report page knows which one was refused (``failed_key``) to open its panel and focus its field.
"""

from __future__ import annotations

from flask import abort, current_app, g, request, url_for
from flask_login import current_user

from .. import answers, csv_export, permissions
from ..domain import DomainError
from ..models import Level, ReportStatus, SystemErrorReport
from ..personnummer import contains_personnummer
from . import queries, search, services
from .forms import (
    CommentForm,
    ConfidentialityForm,
    EscalationForm,
    OccurrenceForm,
    OwnerForm,
    ReclassifyForm,
    ReplyForm,
    ReportFilterForm,
    ReportForm,
    TransitionForm,
    category_choices,
)

S = ReportStatus

INDEX = "system_errors/index.html"
LIST = "system_errors/_list.html"
MINE = "system_errors/mine.html"
NEW = "system_errors/new.html"
EDIT = "system_errors/edit.html"
CATEGORIES = "system_errors/categories.html"
CATEGORY_FIELD = "system_errors/_categories.html"
SIMILAR = "system_errors/similar.html"
SIMILAR_LIST = "system_errors/_similar.html"
PAGE = "system_errors/show.html"
REPORT = "system_errors/_report.html"
FOLLOW = "system_errors/_follow.html"
NEW_OCCURRENCE = "system_errors/new_occurrence.html"
OCCURRENCE_FORM = "system_errors/_occurrence_form.html"
REPORT_FORM = "system_errors/_form.html"

#: How many look-alike reports show before "Visa fler".
SIMILAR_SHOWN = 3
#: The filters of the list, as query parameters (a filtered list can be bookmarked).
FILTERS = ("q", "status", "level", "category", "fixer", "affected", "owner", "reporter", "year", "sort")
#: The columns of the CSV export.
EXPORT_COLUMNS = (
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
)
#: The long answers of the guided form, in the order of the reporting routine.
ANSWERS = (
    ("description", "Beskrivning"),
    ("causes", "Analys av orsaker"),
    ("consequences", "Konsekvenser"),
    ("proposal", "Förslag till lösning"),
    ("system_view", "Systemperspektiv"),
    ("resolution", "Vad som gjordes"),
    ("close_reason", "Skäl till att rapporten avslutades utan åtgärd"),
)
#: The refusal of a member who may use the register but not move this report on.
NOT_MANAGER = "Bara ordföranden, vice ordföranden eller rapportens ansvariga kan ändra rapporten."


def viewer() -> queries.Viewer:
    """Return who is looking: the current group, user and membership."""
    return queries.Viewer(g.group, current_user, g.membership)


# -- the list and its export -----------------------------------------------------------------------


def filter_form() -> ReportFilterForm:
    """Return the list's filter form, read from the query string, with its choices."""
    form = ReportFilterForm(request.args)
    form.set_choices(queries.organisations(), *queries.filter_choices(viewer()))
    return form


def chosen_filters(form: ReportFilterForm) -> tuple[dict, list[str], str | None]:
    """Return (filters, search terms, refusal) for the list as the URL asks for it."""
    filters = {name: form.value(name) for name in FILTERS if name != "q"}
    filters["q"] = (form.q.data or "").strip()
    try:
        terms = search.terms_of(filters["q"])
    except DomainError as error:
        # A refused search is neither run nor echoed nor logged: it may hold a personnummer.
        form.q.data = ""
        filters["q"] = ""
        return filters, [], str(error)
    return filters, terms, None


def list_context(page_number: int) -> dict:
    """Return the list page's context: one page of reports, their snippets and the counts."""
    form = filter_form()
    filters, terms, refused = chosen_filters(form)
    page, snippets, status_counts, level_counts = None, {}, {}, {}
    if refused is None:
        who = viewer()
        counts = queries.counts(who, filters, terms)
        status_counts, level_counts = counts.by_status, counts.by_level
        page_size = current_app.config["PAGE_SIZE"]
        page = queries.list_page(who, filters, terms, page_number, page_size, counts.total)
        snippets = search.snippets([r.id for r in page.items], terms)
    return {
        "group": g.group,
        "form": form,
        "page": page,
        "filters": {k: v for k, v in filters.items() if v not in (None, "")},
        "snippets": snippets,
        "refused": refused,
        "status_counts": status_counts,
        "level_counts": level_counts,
        "statuses": list(ReportStatus),
        "levels": list(Level),
    }


def export_csv() -> str:
    """Return the current list (same filters, every page) as CSV for Swedish Excel."""
    filters, terms, refused = chosen_filters(filter_form())
    reports = [] if refused else queries.all_listed(viewer(), filters, terms)
    return csv_export.to_csv(
        EXPORT_COLUMNS,
        (
            (
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
            for r in reports
        ),
    )


def mine_context() -> dict:
    """Return "Mina rapporter": drafts, own reports and followed ones, news first."""
    reports = queries.mine(viewer())
    last_events = queries.last_events([r.id for r in reports])
    # What happened last comes first, so the ombud sees news at the top.
    reports = sorted(
        reports,
        key=lambda r: last_events[r.id].occurred_at if r.id in last_events else r.updated_at,
        reverse=True,
    )
    drafts = [r for r in reports if r.status == S.DRAFT.value]
    own = [r for r in reports if r.reporter_id == current_user.id and r not in drafts]
    followed = [r for r in reports if r.reporter_id != current_user.id]
    return {
        "group": g.group,
        "drafts": drafts,
        "own": own,
        "followed": followed,
        "last_events": last_events,
        "status_labels": {s.value: s.label for s in S},
        "url_number": services.url_number,
    }


# -- the guided form ---------------------------------------------------------------------------------


def report_form(report: SystemErrorReport | None = None, submitting: bool = False) -> ReportForm:
    """Return the guided form with its choices (and a draft's answers when editing)."""
    form = ReportForm(obj=report, submitting=submitting)
    form.set_choices(queries.organisations())
    if report is not None and request.method == "GET":
        form.affected_organisation_ids.data = [o.id for o in report.affected_organisations]
    return form


def _form_context(form: ReportForm, **extra) -> dict:
    """Return the guided form's context: the form and the reports that look like what it holds
    (a refused form or a draft shows its look-alikes at once, not only after typing)."""
    reports, refused = look_alikes(form.title.data, form.description.data)
    return {
        "group": g.group,
        "form": form,
        "similar": {
            "reports": reports,
            "refused": refused,
            "title": form.title.data,
            "description": form.description.data,
        },
        "shown": SIMILAR_SHOWN,
        **extra,
    }


def new_context() -> dict:
    """Return the context of the form for a new report (the refused one if kept)."""
    return _form_context(
        answers.kept("report", report_form),
        action=url_for("system_errors.create", group_id=g.group.id),
        cancel_url=url_for("system_errors.index", group_id=g.group.id),
    )


def edit_context(report: SystemErrorReport) -> dict:
    """Return the context of the form for the author's draft (the refused one if kept)."""
    return _form_context(
        answers.kept("report", lambda: report_form(report)),
        report=report,
        action=url_for("system_errors.update", group_id=g.group.id, number=services.url_number(report)),
        cancel_url=url_for("system_errors.mine", group_id=g.group.id),
    )


def categories_context() -> dict:
    """Return the category field with the categories of the level in the query string."""
    form = ReportForm(request.args, meta={"csrf": False})
    form.set_choices([])  # only the category field is shown; the others need no organisations
    level = request.args.get("level") or None
    if level not in {lv.value for lv in Level}:
        level = None
    form.category.choices = category_choices(level)
    if form.category.data not in {c.value for c in services.categories_of(level)} and level:
        form.category.data = ""
    return {"group": g.group, "form": form, "level_label": Level(level).label if level else None}


def look_alikes(title: str | None, description: str | None) -> tuple[list[SystemErrorReport], bool]:
    """Return (the visible reports that look like the text, whether the text was refused): text
    with a personnummer is neither searched nor kept nor logged."""
    if contains_personnummer(title or "") or contains_personnummer(description or ""):
        return [], True
    terms = search.similar_terms(title, description)
    return (queries.similar(viewer(), terms) if terms else []), False


def similar_context() -> dict:
    """Return the visible reports that look like the one being typed (title and description)."""
    title = request.args.get("title", "")[:10_000]
    description = request.args.get("description", "")[:10_000]
    reports, refused = look_alikes(title, description)
    return {
        "group": g.group,
        "reports": reports,
        "shown": SIMILAR_SHOWN,
        "refused": refused,
        "title": "" if refused else title,
        "description": "" if refused else description,
        "url_number": services.url_number,
        # Inside the guided form, "Lägg till en förekomst" saves what was typed first.
        "in_form": request.args.get("within") == "form",
    }


# -- one report ------------------------------------------------------------------------------------


def report_or_404(number: str) -> SystemErrorReport:
    """Return the report the member may see, loaded with all its page shows, or answer 404."""
    report = services.get_report(
        g.group, number, current_user, g.membership, options=queries.report_page_options()
    )
    if report is None:
        abort(404)
    return report


def report_url(report: SystemErrorReport, anchor: str | None = None) -> str:
    """Return the URL of a report's page (at one of its sections)."""
    url = url_for("system_errors.show", group_id=g.group.id, number=services.url_number(report))
    return url + (f"#{anchor}" if anchor else "")


def may_manage(report: SystemErrorReport) -> bool:
    """Return whether the caller may move the report on: a seated chair, vice chair or its owner."""
    return (
        report.status != S.DRAFT.value
        and bool(g.roles & permissions.MEMBERS)
        and services.can_manage(report, g.membership)
    )


def may_lead() -> bool:
    """Return whether the caller leads the group (owner and confidentiality are theirs)."""
    return bool(g.roles & permissions.LEADERS)


def move_label(current: ReportStatus, to: ReportStatus) -> str:
    """Return the button text of a status move."""
    if (current, to) in services.BACKWARD:
        return f"Flytta tillbaka till {to.label.lower()}"
    return {
        S.TAKEN_UP: "Ta upp på ett möte",
        S.IN_PROGRESS: "Börja arbeta: ge rapporten en ansvarig",
        S.RESOLVED: "Markera som åtgärdad",
        S.CLOSED: "Avsluta utan åtgärd",
    }.get(to, f"Ändra status till {to.label.lower()}")


def move_fields(current: ReportStatus, to: ReportStatus) -> dict:
    """Return what a move asks for: its fields, and how the reason is labelled and whether required."""
    backward = (current, to) in services.BACKWARD
    fields = []
    if to == S.TAKEN_UP:
        fields = ["meeting_id", "agenda_item_id"]
    elif to == S.IN_PROGRESS and current in {S.TAKEN_UP, S.SUBMITTED}:
        fields = ["owner_id", "next_review_on"]
    if to == S.RESOLVED:
        reason = ("Vad gjordes?", True)
    elif to == S.CLOSED:
        reason = ("Varför avslutas rapporten utan åtgärd?", True)
    elif backward:
        reason = ("Varför flyttas rapporten tillbaka?", True)
    else:
        reason = ("Anteckning (valfri)", False)
    return {"fields": fields, "reason_label": reason[0], "reason_required": reason[1]}


def _moves(report: SystemErrorReport, owners) -> list[dict]:
    """Return the status moves offered on the report, each with its form."""
    current = report.status_enum
    meetings = queries.meetings(g.group.id) if S.TAKEN_UP in services.TRANSITIONS[current] else []
    choices = TransitionForm.choices_for(meetings, owners)
    moves = []
    for to in sorted(services.TRANSITIONS[current] - {S.ESCALATED}, key=list(S).index):
        key = f"to-{to.value}"
        form = answers.kept(key, lambda to=to: TransitionForm(formdata=None, to=to.value))
        form.use_choices(choices)
        moves.append(
            {"to": to, "key": key, "label": move_label(current, to), "form": form} | move_fields(current, to)
        )
    return moves


def report_context(report: SystemErrorReport, **extra) -> dict:
    """Return everything the report page shows, the refused form (if any) with its messages.

    ``extra`` adds what one answer shows: ``notice`` after a write, ``refusal`` at the top,
    ``focus_follow`` and ``follow_error`` for the follow button.
    """
    failed_key, failed_form = next(iter(answers.all_kept().items()), (None, None))
    manage = may_manage(report)
    lead = manage and may_lead()
    current = report.status_enum
    context = {
        "group": g.group,
        "report": report,
        "number": services.url_number(report),
        "answers": [(label, getattr(report, key)) for key, label in ANSWERS if getattr(report, key)],
        "summary": services.occurrence_summary(report),
        "following": services.is_following(report, current_user),
        "is_draft": current == S.DRAFT,
        "sees_all": services.sees_all(g.membership),
        "manage": manage,
        "lead": lead,
        "failed_key": failed_key,
        "failed_form": failed_form,
        "status_labels": {s.value: s.label for s in S},
        "links": {e: e in current_app.view_functions for e in ("system_errors.index", "system_errors.edit")},
        "comment_form": answers.kept("comment", CommentForm),
        "moves": [],
        "reply_forms": {},
    }
    if manage:
        owners = queries.owners(g.group.id)
        context["moves"] = _moves(report, owners)
        if S.ESCALATED in services.TRANSITIONS[current]:
            context["escalation_form"] = answers.kept("escalate", lambda: EscalationForm(formdata=None))
        context["reclassify_form"] = answers.kept(
            "reclassify", lambda: ReclassifyForm(formdata=None, level=report.level, category=report.category)
        )
        context["reply_forms"] = {
            e.id: answers.kept(f"reply-{e.id}", lambda: ReplyForm(formdata=None))
            for e in report.escalations
            if e.reply_received_on is None
        }
        if lead:
            owner_form = answers.kept(
                "owner",
                lambda: OwnerForm(
                    formdata=None, owner_id=report.owner_id, next_review_on=report.next_review_on
                ),
            )
            owner_form.set_choices(owners)
            context["owner_form"] = owner_form
            context["confidentiality_form"] = answers.kept(
                "confidentiality", lambda: ConfidentialityForm(formdata=None)
            )
    context.update(extra)
    return context


def reloaded_context(report_id: int, **extra) -> dict:
    """Return the report page's context, the report read anew (after a change or a refusal)."""
    return report_context(queries.load_report(report_id), **extra)


def anything_typed(form: ReportForm) -> bool:
    """Return whether the guided form holds any answer (what going on to an occurrence keeps)."""
    return any(value not in (None, "", []) for value in form.values().values())


def own_draft() -> SystemErrorReport | None:
    """Return the author's own draft named in the query string (``?draft=U-12``), if any: the
    guided form sends its author on to an occurrence with it."""
    number = request.args.get("draft", "")
    if not number.upper().startswith("U-"):
        return None
    draft = services.get_report(g.group, number, current_user, g.membership)
    return draft if draft is not None and draft.reporter_id == current_user.id else None


def occurrence_form(note: str | None = None) -> OccurrenceForm:
    """Return the occurrence form, offering the group's municipalities (the refused one if kept)."""
    form = answers.kept("occurrence", lambda: OccurrenceForm(formdata=None, note=note))
    form.set_choices(g.group.municipalities)
    return form


def occurrence_context(report: SystemErrorReport, draft: SystemErrorReport | None = None) -> dict:
    """Return the context of the page that adds an occurrence to a report; coming from the
    author's ``draft``, its description is the note's first text and the page links back to it."""
    return {
        "group": g.group,
        "report": report,
        "number": services.url_number(report),
        "form": occurrence_form(draft.description if draft else None),
        "draft": draft,
        "draft_number": services.url_number(draft) if draft else None,
        "links": {"system_errors.index": "system_errors.index" in current_app.view_functions},
    }
