"""Full-text search of the register: FTS5 on SQLite, the 'swedish' configuration on PostgreSQL.

User input never reaches either engine's query syntax: the query is cut into words, and each
word becomes a quoted prefix term (FTS5) or a ``word:*`` lexeme (PostgreSQL), so characters
such as ``"``, ``*``, ``(`` and words such as NEAR are plain text.
"""

from __future__ import annotations

import re

from markupsafe import Markup
from sqlalchemy import bindparam, func, literal_column, select, table, text

from ..domain import DomainError
from ..extensions import db
from ..markup import mark_hits
from ..models import ReportEvent, SystemErrorReport
from ..models.system_error import SEARCH_TABLE, EventKind
from ..personnummer import DEFAULT_MESSAGE, contains_personnummer

MAX_QUERY = 200
MAX_TERMS = 12
START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def terms_of(query: str | None) -> list[str]:
    """Return the words of a search, refusing one that is too long or holds a personnummer.

    The search comes from the URL, so it is also checked percent-decoded (``%2D``, ``%252D``).
    """
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        raise DomainError(f"Sökningen är för lång. Använd högst {MAX_QUERY} tecken.")
    if contains_personnummer(query, from_url=True):
        raise DomainError(DEFAULT_MESSAGE)
    return [word.lower() for word in WORD.findall(query)][:MAX_TERMS]


def _fts5_query(terms: list[str], any_term: bool = False) -> str:
    """Return an FTS5 query of quoted prefix terms (all of them, or any with ``any_term``)."""
    return (" OR " if any_term else " ").join(f'"{term}"*' for term in terms)


def _ts_query(terms: list[str], any_term: bool = False) -> str:
    """Return a to_tsquery string of prefix lexemes (words only, so it is always valid)."""
    return (" | " if any_term else " & ").join(f"{term}:*" for term in terms)


def reindex(report: SystemErrorReport) -> None:
    """Rebuild the report's search text (title, description, causes, consequences, comments)."""
    comments = db.session.scalars(
        select(ReportEvent.note).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == EventKind.COMMENT.value
        )
    ).all()
    body = "\n".join(filter(None, [report.description, report.causes, report.consequences, *comments]))
    report.search_text = f"{report.title}\n{body}"
    db.session.flush()
    if _dialect() == "sqlite":
        db.session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :id"), {"id": report.id})
        db.session.execute(
            text(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": report.id, "title": report.title, "body": body},
        )


def matching(query, terms: list[str], any_term: bool = False):
    """Restrict a select of reports to those matching the terms."""
    if not terms:
        return query
    if _dialect() == "sqlite":
        ids = (
            select(literal_column("rowid"))
            .select_from(table(SEARCH_TABLE))
            .where(
                text(f"{SEARCH_TABLE} MATCH :fts_query").bindparams(fts_query=_fts5_query(terms, any_term))
            )
        )
        return query.where(SystemErrorReport.id.in_(ids))
    tsquery = func.to_tsquery("swedish", bindparam("ts_query", _ts_query(terms, any_term)))
    return query.where(func.to_tsvector("swedish", SystemErrorReport.search_text).op("@@")(tsquery))


def ranked(query, terms: list[str], any_term: bool = False):
    """Order a matching query best match first."""
    if not terms:
        return query
    if _dialect() == "sqlite":
        rank = (
            select(literal_column("rank"))
            .select_from(table(SEARCH_TABLE))
            .where(
                text(f"{SEARCH_TABLE} MATCH :rank_query").bindparams(rank_query=_fts5_query(terms, any_term))
            )
            .where(literal_column("rowid") == SystemErrorReport.id)
            .scalar_subquery()
        )
        return query.order_by(rank)
    tsquery = func.to_tsquery("swedish", _ts_query(terms, any_term))
    return query.order_by(
        func.ts_rank(func.to_tsvector("swedish", SystemErrorReport.search_text), tsquery).desc()
    )


def snippets(report_ids: list[int], terms: list[str]) -> dict[int, Markup]:
    """Return the matching snippet of each report, with the hits marked."""
    if not terms or not report_ids:
        return {}
    if _dialect() == "sqlite":
        rows = db.session.execute(
            text(
                f"SELECT rowid, snippet({SEARCH_TABLE}, -1, :start, :stop, '…', 16) FROM {SEARCH_TABLE} "
                f"WHERE {SEARCH_TABLE} MATCH :q AND rowid IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"start": START, "stop": STOP, "q": _fts5_query(terms), "ids": report_ids},
        )
    else:
        tsquery = func.to_tsquery("swedish", _ts_query(terms))
        rows = db.session.execute(
            select(
                SystemErrorReport.id,
                func.ts_headline(
                    "swedish",
                    SystemErrorReport.search_text,
                    tsquery,
                    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2",
                ),
            ).where(SystemErrorReport.id.in_(report_ids))
        )
    return {report_id: mark_hits(raw, START, STOP) for report_id, raw in rows}


def similar_terms(title: str | None, description: str | None) -> list[str]:
    """Return the informative words of a report being typed (for "looks similar")."""
    words = [w.lower() for w in WORD.findall(f"{title or ''} {description or ''}") if len(w) >= 4]
    seen: list[str] = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]
