"""What the decision log and its CSV show: context builders for the templates and the export."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, request

from .. import csv_export
from ..dates import local
from ..minutes import services as minutes_services
from ..models import ActionItem, Decision, DecisionResult, OrganisationFollowUp, utcnow
from ..system_errors import services as register
from . import queries
from .forms import DecisionFilterForm
from .queries import Filters

INDEX = "decisions/index.html"
LIST = "decisions/_list.html"

#: A decision's follow-up state in words (the worst first: an overdue uppdrag outweighs the rest).
STATE_LABELS = {
    "overdue": "Försenat uppdrag",
    "open": "Uppföljning pågår",
    "done": "Allt klart",
    "none": "Ingen uppföljning",
}
#: The tone of each state in the app's one status palette (``.status--<tone>``).
STATE_TONES = {"overdue": "stopped", "open": "active", "done": "done", "none": "neutral"}
#: The columns of the CSV export.
EXPORT_COLUMNS = (
    "Paragraf",
    "Rubrik",
    "Möte",
    "Mötesdatum",
    "Protokoll",
    "Beslut",
    "Beslutsform",
    "Utfall",
    "Röster",
    "Reservationer",
    "Systemfel",
    "Uppdrag",
    "Återrapportering",
    "Uppföljning",
)


@dataclass
class Row:
    """One decision of the log with what its row shows, worked out once."""

    decision: Decision
    state: str
    overdue: set[int] = field(default_factory=set)
    reports: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def paragraph(self):
        """Return the decision's §."""
        return self.decision.paragraph

    @property
    def meeting(self):
        """Return the meeting the decision was taken at."""
        return self.decision.paragraph.minutes.meeting

    @property
    def minutes_label(self) -> str:
        """Return where the minutes stand: justerat, waiting for justering, or the meeting goes on."""
        minutes = self.decision.paragraph.minutes
        if minutes.is_approved:
            return "Justerat"
        return "Ej justerat" if minutes.closed_at else "Mötet pågår"

    @property
    def state_label(self) -> str:
        """Return the follow-up state in words."""
        return STATE_LABELS[self.state]

    @property
    def state_tone(self) -> str:
        """Return the follow-up state's tone in the status palette."""
        return STATE_TONES[self.state]

    @property
    def outcome(self) -> str:
        """Return how the decision was taken and what it came to, in words."""
        d = self.decision
        if not d.is_vote:
            return f"Konsensus: {d.result_label.lower()}"
        if d.result == DecisionResult.PENDING.value:
            return "Votering: rösterna är inte antecknade ännu"
        tally = d.tally()
        text = f"Votering {tally['yes']}–{tally['no']}, {tally['abstain']} avstod: {d.result_label.lower()}"
        return text + (" genom ordförandens utslagsröst" if d.casting_vote_used else "")


def today():
    """Return today's date in Stockholm (what "försenat" counts from)."""
    return local(utcnow()).date()


def follow_up_state(decision: Decision, day) -> tuple[str, set[int]]:
    """Return a decision's follow-up state and the ids of its overdue uppdrag (the filter's rule)."""
    overdue = {a.id for a in decision.actions if a.is_overdue(day)}
    if overdue:
        return "overdue", overdue
    if any(a.is_open for a in decision.actions) or any(f.is_open for f in decision.follow_ups):
        return "open", overdue
    if decision.actions or decision.follow_ups:
        return "done", overdue
    return "none", overdue


def _reports(decision: Decision, sees_all: bool) -> list[tuple[str, str | None]]:
    """Return the linked system errors as (number, title); a confidential report's title only
    for those who see confidential reports (as on the minutes page)."""
    return [
        (link.report.number, link.report.title if sees_all or not link.report.is_confidential else None)
        for link in decision.report_links
    ]


def rows(decisions: list[Decision], day) -> list[Row]:
    """Return the log's rows for decisions loaded with everything they show."""
    sees_all = register.sees_all(g.membership)
    result = []
    for d in decisions:
        state, overdue = follow_up_state(d, day)
        result.append(Row(decision=d, state=state, overdue=overdue, reports=_reports(d, sees_all)))
    return result


def filter_form() -> tuple[DecisionFilterForm, Filters]:
    """Return the filter form read from the query string, with its choices, and the filters to apply."""
    form = DecisionFilterForm(request.args)
    by = g.membership
    form.set_choices(
        queries.years(g.group.id, by), queries.owners(g.group.id, by), queries.organisations(g.group.id, by)
    )
    return form, form.chosen()


def query_args(filters: Filters) -> dict:
    """Return the chosen filters as query arguments, for links that keep them (pages, CSV)."""
    return {name: value for name, value in vars(filters).items() if value is not None}


def list_context(page_number: int) -> dict:
    """Return the log page's context: one page of decisions, the filters and the form."""
    form, filters = filter_form()
    day = today()
    page = queries.list_page(
        g.group.id, g.membership, filters, day, page_number, current_app.config["PAGE_SIZE"]
    )
    return {
        "group": g.group,
        "form": form,
        "page": page,
        "rows": rows(page.items, day),
        "filters": query_args(filters),
        "sees_confidential": minutes_services.sees_confidential(g.membership),
        "today": day,
    }


def _action_cell(action: ActionItem) -> str:
    """Return an uppdrag as one line of a CSV cell."""
    owner = action.owner.user.name
    if action.owner.organisation is not None:
        owner += f", {action.owner.organisation.name}"
    due = f", klart senast {action.due_on.isoformat()}" if action.due_on else ""
    return f"{action.title} ({owner}{due}: {action.status_label.lower()})"


def _follow_up_cell(follow_up: OrganisationFollowUp) -> str:
    """Return an återrapportering as one line of a CSV cell."""
    done = f"återrapporterat {local(follow_up.done_at).date().isoformat()}" if follow_up.done_at else "väntar"
    return f"{follow_up.organisation.name}: {done}"


def export_csv() -> str:
    """Return the log as filtered (every page) as CSV for Swedish Excel."""
    _, filters = filter_form()
    day = today()
    decisions = queries.all_listed(g.group.id, g.membership, filters, day)
    lines = []
    for row in rows(decisions, day):
        d, paragraph, meeting = row.decision, row.paragraph, row.meeting
        tally = d.tally() if d.is_vote else None
        lines.append(
            (
                f"{paragraph.label}/{paragraph.year}",
                paragraph.title,
                meeting.title,
                local(meeting.starts_at).date().isoformat(),
                row.minutes_label,
                d.text,
                d.method_label,
                d.result_label,
                f"{tally['yes']} ja, {tally['no']} nej, {tally['abstain']} avstår" if tally else "",
                ", ".join(r.membership.user.name for r in d.reservations),
                ", ".join(f"{n} {t}" if t else f"{n} (sekretess)" for n, t in row.reports),
                "\n".join(_action_cell(a) for a in d.actions),
                "\n".join(_follow_up_cell(f) for f in d.follow_ups),
                row.state_label,
            )
        )
    return csv_export.to_csv(EXPORT_COLUMNS, lines)
