"""Full-text search of the register: FTS5 on SQLite, the 'swedish' configuration on PostgreSQL.

Swedish inflections find their base form on both: PostgreSQL stems with its configuration; on
SQLite the FTS5 table holds the Snowball stems of each report's text (``po_meetings.stemming``)
and a search matches the stems of its words, so "väntetider" finds "väntetid". PostgreSQL keeps
the text's tsvector in a stored column that its GIN index and ``ts_rank`` both read. Snippets are cut
from the original text in Python, for the reports a page shows only.

User input never reaches either engine's query syntax: the query is cut into words, and each
word becomes a quoted prefix term of its stem (FTS5) or a ``word:*`` lexeme (PostgreSQL), so
characters such as ``"``, ``*``, ``(`` and words such as NEAR are plain text.
"""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import bindparam, cast, func, literal_column, select, table, text
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from ..domain import DomainError
from ..extensions import db
from ..models import ReportEvent, SystemErrorReport
from ..models.system_error import GROUP_LEXEME, SEARCH_TABLE, SEARCH_VECTOR, EventKind
from ..personnummer import DEFAULT_MESSAGE, contains_personnummer
from ..stemming import WORD, fts5_query, snippet, stems, ts_query

#: PostgreSQL: the stored to_tsvector('swedish', search_text) and group lexeme that the GIN index
#: holds (a column made by hand, outside the model: po_meetings/models/system_error.py).
_VECTOR = literal_column(f"{SystemErrorReport.__tablename__}.{SEARCH_VECTOR}", type_=TSVECTOR)

MAX_QUERY = 200
MAX_TERMS = 12
#: SQLite: put a report's stems and group into the index (with :func:`index_entry`).
INSERT = f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, grp) VALUES (:id, :title, :body, :grp)"


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


def reindex(report: SystemErrorReport) -> None:
    """Rebuild the report's search text (title, description, causes, consequences, comments);
    on SQLite the index gets its stems."""
    set_search_text(report)
    db.session.flush()
    write_index(report)


def set_search_text(report: SystemErrorReport, comments: list[str] | None = None) -> None:
    """Set the report's search text from its texts and comments (read here unless given: a new
    report has none). PostgreSQL's stored tsvector follows it; SQLite's index needs
    :func:`write_index` once the report has its id."""
    if comments is None:
        comments = db.session.scalars(
            select(ReportEvent.note).where(
                ReportEvent.report_id == report.id, ReportEvent.kind == EventKind.COMMENT.value
            )
        ).all()
    body = "\n".join(filter(None, [report.description, report.causes, report.consequences, *comments]))
    report.search_text = f"{report.title}\n{body}"


def write_index(report: SystemErrorReport) -> None:
    """SQLite: put the stems of the report's search text into the index (the report is flushed)."""
    if _dialect() == "sqlite":
        body = report.search_text.partition("\n")[2]
        db.session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :id"), {"id": report.id})
        db.session.execute(text(INSERT), index_entry(report.id, report.title, body, report.group_id))


def index_entry(report_id: int, title: str, body: str, group_id: int) -> dict:
    """Return the SQLite index's row of a report (for :data:`INSERT`): the stems of its text, and
    its group as the token the searches match it by (:func:`_fts5_match`)."""
    return {"id": report_id, "title": stems(title), "body": stems(body), "grp": _group_token(group_id)}


def _group_token(group_id: int) -> str:
    return f"g{int(group_id)}"


def _fts5_match(terms: list[str], group_id: int, any_term: bool) -> str:
    """Return the FTS5 query: the group's token, and the terms in the title or the text.

    FTS5 reads the group's and the terms' lists of rows together, so a search costs the same
    however many reports other groups have (the group is not a filter applied after matching).
    """
    return f'grp : "{_group_token(group_id)}" AND {{title body}} : ({fts5_query(terms, any_term)})'


def matching(query, terms: list[str], group_id: int, any_term: bool = False):
    """Restrict a select of the group's reports to those matching the terms."""
    if not terms:
        return query
    if _dialect() == "sqlite":
        fts_query = _fts5_match(terms, group_id, any_term)
        ids = (
            select(literal_column("rowid"))
            .select_from(table(SEARCH_TABLE))
            .where(text(f"{SEARCH_TABLE} MATCH :fts_query").bindparams(fts_query=fts_query))
        )
        return query.where(SystemErrorReport.id.in_(ids))
    tsquery = func.to_tsquery("swedish", bindparam("ts_query", ts_query(terms, any_term)))
    # The group's lexeme in the same query, so that the GIN index finds the group's matches by
    # itself (models/system_error.py; migration 0015).
    in_group = cast(bindparam("group_lexeme", _group_lexeme(group_id)), TSQUERY)
    return query.where(_VECTOR.op("@@")(tsquery.op("&&")(in_group)))


def _group_lexeme(group_id: int) -> str:
    """Return the tsquery of the group's lexeme in PostgreSQL's search vector (#g17)."""
    return f"'{GROUP_LEXEME}{int(group_id)}'"


def ranked(query, terms: list[str], group_id: int, any_term: bool = False):
    """Order a matching query of the group's reports best match first."""
    if not terms:
        return query
    if _dialect() == "sqlite":
        # Joined, so FTS5 ranks its matches once; as a correlated subquery per report it ran the
        # whole MATCH again for every matching row (quadratic in the number of matches).
        hits = (
            select(literal_column("rowid").label("id"), literal_column("rank").label("rank"))
            .select_from(table(SEARCH_TABLE))
            .where(
                text(f"{SEARCH_TABLE} MATCH :rank_query").bindparams(
                    rank_query=_fts5_match(terms, group_id, any_term)
                )
            )
            .subquery()
        )
        return query.join(hits, hits.c.id == SystemErrorReport.id).order_by(hits.c.rank)
    tsquery = func.to_tsquery("swedish", ts_query(terms, any_term))
    return query.order_by(func.ts_rank(_VECTOR, tsquery).desc())


def snippets(report_ids: list[int], terms: list[str]) -> dict[int, Markup]:
    """Return a snippet of each report's text around the search's hits, the hits marked.

    From the description, causes, consequences and comments; from the title only if the hit is
    there alone. Cut in Python from the original text of these reports (those a page shows).
    """
    if not terms or not report_ids:
        return {}
    rows = db.session.execute(
        select(SystemErrorReport.id, SystemErrorReport.search_text).where(
            SystemErrorReport.id.in_(report_ids)
        )
    )
    found = {}
    for report_id, search_text in rows:
        title, _, body = (search_text or "").partition("\n")
        marked = snippet(body, terms) or snippet(title, terms)
        if marked is not None:
            found[report_id] = marked
    return found


def similar_terms(title: str | None, description: str | None) -> list[str]:
    """Return the informative words of a report being typed (for "looks similar")."""
    words = [w.lower() for w in WORD.findall(f"{title or ''} {description or ''}") if len(w) >= 4]
    seen: list[str] = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]
