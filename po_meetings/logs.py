"""What the server log may hold: never the users' free text.

* The engine runs with ``hide_parameters`` (po_meetings.config.engine_options), so a database
  error and SQLAlchemy's statement log show ``[SQL parameters hidden …]`` instead of the values.
* SQLAlchemy logs every row it reads when its logger is set to DEBUG, whatever
  ``hide_parameters`` says: :class:`NoRowValues` drops those records.
* An unexpected error is logged by po_meetings.errors.describe_error: the exception types, the
  SQL (placeholders only) and the traceback, never an exception's message.
"""

from __future__ import annotations

import logging

#: The logger SQLAlchemy's engines log statements, parameters and rows to.
ENGINE_LOGGER = "sqlalchemy.engine.Engine"


class NoRowValues(logging.Filter):
    """Drop SQLAlchemy's DEBUG records of the rows a query returned (they hold the stored text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but a row's values."""
        return not (isinstance(record.msg, str) and record.msg.endswith("Row %r"))


def init_app(app) -> None:
    """Keep row values out of the log, once per process."""
    logger = logging.getLogger(ENGINE_LOGGER)
    if not any(isinstance(f, NoRowValues) for f in logger.filters):
        logger.addFilter(NoRowValues())
