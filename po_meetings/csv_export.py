"""CSV downloads for Swedish Excel: semicolons, UTF-8 with a BOM, and no cell run as a formula.

Every export of the app (the systemfel register, the decision log) writes through here, so a
title that begins with ``=`` is text in each of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response, make_response

__all__ = ["FORMULA_START", "download", "safe_cell", "to_csv"]

#: Characters that make a spreadsheet treat a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Return a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns: Iterable[str], rows: Iterable[Iterable]) -> str:
    """Return the header and rows as CSV text for Swedish Excel, every cell made safe."""
    buffer = io.StringIO()
    # Semicolons: Swedish Excel reads them as the column separator (comma is the decimal mark).
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_cell(column) for column in columns)
    for row in rows:
        writer.writerow(safe_cell(cell) for cell in row)
    # The BOM makes Excel read the file as UTF-8, so å, ä and ö come out right.
    return "\ufeff" + buffer.getvalue()


def download(text: str, filename: str) -> Response:
    """Return CSV text as a download with the given (English, ASCII) file name."""
    response = make_response(text)
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
