"""PDF rendering with WeasyPrint: the same HTML gives the same bytes, and nothing leaves the machine.

A document template links ``static/css/print.css`` with ``url_for('static', ...)``, exactly as
its browser print view does. Relative URLs resolve against ``DOCUMENT_BASE_URL``, a placeholder
origin that never resolves (``.invalid``, RFC 2606): :class:`StaticFileFetcher` serves its
``/static/`` path, and ``file://`` URLs, only from the app's static folder and refuses every
other URL, so WeasyPrint never opens a network connection. A refused image or stylesheet is
left out of the PDF (WeasyPrint logs a warning); the rendering itself does not fail.

Deterministic output: WeasyPrint 70 writes no dates of its own (only ``dcterms.created`` and
``dcterms.modified`` meta tags would add them, and :func:`render_pdf` drops those), names font
subsets after an MD5 of the font description, and pydyf derives the ``/ID`` from the content.
Fonts come from the vendored files in ``static/fonts/``, never from fontconfig's choice.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from flask import Response, current_app, has_app_context, make_response
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .paths import PROJECT_ROOT

#: The base of relative URLs in a rendered document: ``/static/…`` here maps to the static folder.
DOCUMENT_BASE_URL = "https://po-meetings.invalid/"

#: The static folder and URL path when no Flask app is active (what create_app configures).
DEFAULT_STATIC_FOLDER = PROJECT_ROOT / "static"
DEFAULT_STATIC_URL_PATH = "/static"


class StaticFileFetcher(URLFetcher):
    """Serve WeasyPrint the app's own static files and refuse every other URL."""

    def __init__(self, static_folder: str | Path, static_url_path: str = DEFAULT_STATIC_URL_PATH):
        """Remember the folder to serve and the URL path it is served under."""
        super().__init__(allow_redirects=False)
        self.static_folder = Path(static_folder).resolve()
        self.static_url_path = "/" + static_url_path.strip("/") + "/"
        base = urlsplit(DOCUMENT_BASE_URL)
        self._base_origin = (base.scheme, base.netloc)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the static file ``url`` names; raise ValueError for anything else."""
        path = self.local_path(url)
        if path is None:
            raise ValueError(f"Utanför appens statiska filer, hämtas inte: {url}")
        mime_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), {"Content-Type": mime_type or "application/octet-stream"}
        )

    def local_path(self, url: str) -> Path | None:
        """Return the existing file under the static folder that ``url`` names, or None."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file" and parts.netloc in ("", "localhost"):
            candidate = Path(url2pathname(unquote(parts.path)))
        elif (scheme, parts.netloc.lower()) == self._base_origin and parts.path.startswith(
            self.static_url_path
        ):
            relative = unquote(parts.path[len(self.static_url_path) :])
            candidate = self.static_folder / relative
        else:
            return None
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.static_folder) or not resolved.is_file():
            return None
        return resolved


def static_fetcher() -> StaticFileFetcher:
    """Return a fetcher for the current app's static folder (the project's when no app is active)."""
    if has_app_context() and current_app.static_folder:
        return StaticFileFetcher(current_app.static_folder, current_app.static_url_path or "/static")
    return StaticFileFetcher(DEFAULT_STATIC_FOLDER, DEFAULT_STATIC_URL_PATH)


def render_document(html: str, *, base_url: str | None = None) -> Document:
    """Lay out ``html`` for print with WeasyPrint, fetching only the app's static files."""
    return HTML(
        string=html,
        base_url=base_url or DOCUMENT_BASE_URL,
        url_fetcher=static_fetcher(),
        media_type="print",
    ).render()


def render_pdf(html: str, *, title: str, base_url: str | None = None) -> bytes:
    """Render ``html`` as a PDF titled ``title``: the same arguments always give the same bytes."""
    document = render_document(html, base_url=base_url)
    document.metadata.title = title
    document.metadata.created = None
    document.metadata.modified = None
    return document.write_pdf(pdf_identifier=True)


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Rendered:
    """A rendered PDF with its file name and checksum."""

    data: bytes
    file_name: str
    sha256: str


def render(html: str, *, title: str, file_name: str) -> Rendered:
    """Render ``html`` as a PDF named ``file_name``, with its SHA-256."""
    data = render_pdf(html, title=title)
    return Rendered(data, file_name, sha256_hex(data))


def download(rendered: Rendered) -> Response:
    """Return a rendered PDF as a download with its SHA-256 in the headers."""
    response = make_response(rendered.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{rendered.file_name}"'
    response.headers["X-Checksum-SHA256"] = rendered.sha256
    return response


def stylesheet() -> str:
    """Return the print stylesheet's path as a document links it and the renderer resolves it
    (no request needed)."""
    return f"{current_app.static_url_path or DEFAULT_STATIC_URL_PATH}/css/print.css"
