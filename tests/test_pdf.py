"""PDF rendering: the same HTML gives the same bytes at any time in any process, Swedish text is
embedded in the vendored DejaVu fonts, pages carry "Sida X av Y", and nothing is fetched from the
network or from outside the static folder."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import zlib

import pytest
from flask import url_for
from weasyprint.formatting_structure import boxes

from po_meetings import PROJECT_ROOT, pdf

PRINT_CSS = "/static/css/print.css"


def minutes_html(paragraphs: int = 3, *, extra: str = "", stylesheet: str = PRINT_CSS) -> str:
    """Return a protokoll-like document with ``paragraphs`` numbered items."""
    items = "".join(
        f'<div class="paragraph"><h2><span class="paragraph__number">§ {n}</span> Ärende {n}</h2>'
        f"<p>Ledningsgruppen för personligt ombud i Mellanå och Övre Ålby beslöt att godkänna "
        f"förslaget. Sekreteraren får i uppdrag att skicka ut protokollet till ersättarna.</p></div>"
        for n in range(1, paragraphs + 1)
    )
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Protokoll</title>'
        f'<link rel="stylesheet" href="{stylesheet}"></head><body><article class="print-document">'
        '<h1>Protokoll, ledningsgruppen Mellanå</h1><p class="running-meta">Sammanträde 2025-03-12</p>'
        f"{items}{extra}</article></body></html>"
    )


def pdf_streams(data: bytes) -> list[bytes]:
    """Return every Flate-compressed stream of a PDF, decompressed (objects live in such streams)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            streams.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return streams


def unicode_mapped(data: bytes) -> set[str]:
    """Return the characters the PDF's ToUnicode maps give back when its text is copied out."""
    chars = set()
    for stream in pdf_streams(data):
        if b"begincmap" in stream:
            for target in re.findall(rb"<[0-9a-f]{4}> <([0-9a-f]{4,})>", stream):
                chars.add(bytes.fromhex(target.decode()).decode("utf-16-be"))
    return chars


def margin_texts(document) -> list[dict[str, str]]:
    """Return, page by page, the text of each page-margin box (header and footer) WeasyPrint laid out."""

    def text_of(box) -> str:
        """Return the text inside a laid-out box."""
        own = [box.text] if isinstance(box, boxes.TextBox) else []
        return "".join(own + [text_of(child) for child in getattr(box, "children", [])])

    return [
        {
            child.at_keyword: text_of(child)
            for child in page._page_box.children
            if isinstance(child, boxes.MarginBox) and text_of(child)
        }
        for page in document.pages
    ]


@pytest.fixture
def fetched(monkeypatch) -> list[tuple[str, str]]:
    """Record every URL WeasyPrint asks for, and whether the fetcher served or refused it."""
    calls: list[tuple[str, str]] = []
    original = pdf.StaticFileFetcher.fetch

    def spy(self, url, headers=None):
        """Pass the request on to the real fetcher and note the outcome."""
        try:
            response = original(self, url, headers)
        except ValueError:
            calls.append((url, "refused"))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(pdf.StaticFileFetcher, "fetch", spy)
    return calls


@pytest.fixture
def no_network(monkeypatch) -> list[tuple]:
    """Make every attempt to resolve a host name or open a connection fail, and record it."""
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        """Note the attempt and fail it."""
        attempts.append(args)
        raise OSError("nätverket är avstängt i testet")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, *args: refuse(*args))
    return attempts


def test_same_html_gives_identical_bytes_later_and_in_another_process():
    html = minutes_html()
    first = pdf.render_pdf(html, title="Protokoll 2025-03-12")
    time.sleep(1.1)  # a PDF date has one-second resolution: a date anywhere would now differ
    second = pdf.render_pdf(html, title="Protokoll 2025-03-12")
    assert second == first

    script = (
        "import sys\n"
        "from po_meetings.pdf import render_pdf\n"
        "sys.stdout.buffer.write(render_pdf(sys.stdin.read(), title='Protokoll 2025-03-12'))\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        input=html.encode(),
        capture_output=True,
        check=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345", "TMPDIR": os.environ.get("TMPDIR", "/tmp")},
    ).stdout
    assert other == first

    assert first.startswith(b"%PDF-")
    assert first.rstrip().endswith(b"%%EOF")
    assert pdf.render_pdf(html, title="Ett annat protokoll") != first


def test_pdf_has_no_dates_and_an_id_from_its_content():
    html = minutes_html().replace(
        "<title>",
        '<meta name="dcterms.created" content="2025-03-12T10:00:00Z">'
        '<meta name="dcterms.modified" content="2025-03-13T10:00:00Z"><title>',
    )
    data = pdf.render_pdf(html, title="Protokoll")
    objects = b"".join(pdf_streams(data)) + data
    assert b"/CreationDate" not in objects
    assert b"/ModDate" not in objects
    assert b"2025031" not in objects

    ids = re.findall(rb"/ID \[\((\w+)\) \((\w+)\)\]", data)
    assert len(ids) == 1 and ids[0][0] == ids[0][1]
    other = pdf.render_pdf(minutes_html(4), title="Protokoll")
    assert re.findall(rb"/ID \[\((\w+)\)", other) != [ids[0][0]]


def pdf_titles(objects: bytes) -> set[str]:
    """Return every /Title text in the PDF objects: the document's and its bookmarks'."""
    titles = set()
    for hex_text, plain in re.findall(rb"/Title\s*(?:<feff([0-9a-f]+)>|\(([^)]*)\))", objects):
        titles.add(bytes.fromhex(hex_text.decode()).decode("utf-16-be") if hex_text else plain.decode())
    return titles


def test_pdf_is_an_a4_swedish_document_with_the_given_title_and_bookmarks():
    data = pdf.render_pdf(minutes_html(), title="Protokoll 2025-03-12 – Mellanå")
    objects = b"".join(pdf_streams(data))
    assert pdf_titles(objects) == {
        "Protokoll 2025-03-12 – Mellanå",
        "Protokoll, ledningsgruppen Mellanå",
        "§ 1 Ärende 1",
        "§ 2 Ärende 2",
        "§ 3 Ärende 3",
    }
    assert b"/Lang (sv)" in objects
    media_boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", objects)
    assert media_boxes
    for width, height in media_boxes:
        assert float(width) == pytest.approx(595.28, abs=0.1)  # 210 mm
        assert float(height) == pytest.approx(841.89, abs=0.1)  # 297 mm


def test_swedish_letters_and_section_sign_come_from_the_vendored_dejavu_fonts(fetched):
    data = pdf.render_pdf(minutes_html(extra="<p>åäö ÅÄÖ § 12</p>"), title="Protokoll")
    objects = b"".join(pdf_streams(data))

    served = {url.rsplit("/", 1)[-1] for url, outcome in fetched if outcome == "served"}
    assert {"print.css", "DejaVuSerif.ttf", "DejaVuSans-Bold.ttf"} <= served
    base_fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", objects))
    assert {b"PO-Serif", b"PO-Sans-Bold"} <= base_fonts
    assert b"/FontFile2" in objects  # the glyphs are embedded, not left to the reader's fonts
    assert {"å", "ä", "ö", "Å", "Ä", "Ö", "§"} <= unicode_mapped(data)


def test_pages_have_the_title_in_the_header_and_page_x_of_y_in_the_footer():
    document = pdf.render_document(minutes_html(paragraphs=40))
    pages = margin_texts(document)
    assert len(pages) >= 2
    for number, margins in enumerate(pages, start=1):
        assert margins["@bottom-right"] == f"Sida {number} av {len(pages)}"
        assert margins["@top-left"] == "Protokoll, ledningsgruppen Mellanå"
        assert margins["@top-right"] == "Sammanträde 2025-03-12"


def test_template_urls_from_url_for_resolve_to_the_static_folder(app, fetched):
    with app.test_request_context():
        stylesheet = url_for("static", filename="css/print.css")
    document = pdf.render_document(minutes_html(stylesheet=stylesheet))
    assert (f"{pdf.DOCUMENT_BASE_URL.rstrip('/')}{stylesheet}", "served") in fetched
    assert margin_texts(document)[0]["@bottom-right"] == "Sida 1 av 1"


def test_nothing_outside_the_static_folder_is_fetched(fetched, no_network, tmp_path):
    secret = tmp_path / "hemligt.css"
    secret.write_text("body { color: red }")
    refused = [
        "https://example.com/x.png",
        "http://example.com/evil.css",
        secret.as_uri(),
        f"{pdf.DOCUMENT_BASE_URL}static/%2e%2e/pyproject.toml",
        f"{pdf.DOCUMENT_BASE_URL}static/css/finns-inte.css",
        "https://example.com/static/css/print.css",
    ]
    extra = (
        f'<img src="{refused[0]}" alt="">'
        f'<link rel="stylesheet" href="{refused[1]}">'
        f'<link rel="stylesheet" href="{refused[2]}">'
        f'<img src="{refused[3]}" alt="">'
        f'<link rel="stylesheet" href="{refused[4]}">'
        f'<link rel="stylesheet" href="{refused[5]}">'
    )
    data = pdf.render_pdf(minutes_html(extra=extra), title="Protokoll")

    assert data.startswith(b"%PDF-")
    for url in refused:
        assert (url, "refused") in fetched
    assert not [url for url, outcome in fetched if outcome == "served" and url in refused]
    assert no_network == []


def test_sha256_hex_is_the_hashlib_digest():
    data = pdf.render_pdf(minutes_html(), title="Protokoll")
    assert pdf.sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert pdf.sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert pdf.sha256_hex(data) != pdf.sha256_hex(data + b"\n")
