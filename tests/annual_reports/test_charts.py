"""The yearly report's charts: SVG drawn on the server, well-formed, escaped, the same bytes for the
same chart, named for screen readers, and never drawing a small count at its height."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from po_meetings.annual_reports import charts
from po_meetings.annual_reports.content import Chart, Series

from .sample import sample_figures

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ET.Element:
    """Return a chart's SVG parsed as XML (it fails the test when not well-formed)."""
    return ET.fromstring(str(charts.svg(chart)))


def texts(root: ET.Element) -> list[str]:
    """Return the text of every <text> element."""
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def group(root: ET.Element, name: str) -> ET.Element:
    """Return the chart's group of a class (chart__bars, chart__grid …)."""
    return next(g for g in root.iter(f"{SVG}g") if g.get("class") == name)


def bars(root: ET.Element) -> list[ET.Element]:
    """Return the bars (and stacked segments) in drawing order, without the labels' white boxes."""
    return [r for r in group(root, "chart__bars").iter(f"{SVG}rect") if r.get("stroke")]


def value_labels(root: ET.Element) -> list[str]:
    """Return the numbers printed on or above the bars."""
    return ["".join(t.itertext()) for t in group(root, "chart__bars").iter(f"{SVG}text")]


def test_every_sample_chart_is_well_formed_svg_named_for_screen_readers():
    for chart in sample_figures().charts:
        svg = charts.svg(chart)
        assert isinstance(svg, Markup)
        root = ET.fromstring(str(svg))
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("viewBox", "").startswith("0 0 ")
        assert root.get("width") == "100%" and root.get("height") is None  # scales to its container
        title_id, desc_id = root.get("aria-labelledby").split()
        title = root.find(f"{SVG}title")
        assert title.get("id") == title_id and title.text == chart.title
        assert root.find(f"{SVG}desc").get("id") == desc_id
        assert not [name for e in root.iter() for name in e.attrib if name.lower().startswith("on")]


def test_every_series_and_point_is_drawn_and_named():
    chart = Chart(
        "Klienter per kvartal",
        ("Kv 1", "Kv 2", "Kv 3", "Kv 4"),
        (
            Series("Vid slutet", (54, 55, 58, 57)),
            Series("Nya", (7, 6, 8, 6)),
            Series("Avslutade", (9, 5, 6, 7)),
        ),
    )
    root = parsed(chart)
    words = texts(root)
    for point in chart.points:
        assert point in words
    for series in chart.series:
        assert series.name in words  # the legend names each series
    drawn = bars(root)
    assert len(drawn) == len(chart.points) * len(chart.series)
    assert len({r.get("fill") for r in drawn}) == 3  # a colour or pattern each: told apart without colour
    assert len({r.get("stroke") for r in drawn}) == 3
    assert value_labels(root) == ["54", "7", "9", "55", "6", "5", "58", "8", "6", "57", "6", "7"]


def test_labels_are_escaped_text_never_markup():
    evil = '<script>alert("x")</script> & "citat"'
    chart = Chart(evil, (evil, "Kv 2"), (Series(evil, (10, 12)),))
    svg = str(charts.svg(chart))
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == evil
    assert evil in texts(root)  # the legend shows it, as text
    assert not list(root.iter(f"{SVG}script"))


def test_the_same_chart_gives_the_same_bytes():
    first = [str(charts.svg(c)) for c in sample_figures().charts]
    again = [str(charts.svg(c)) for c in sample_figures().charts]
    assert first == again


def test_an_empty_chart_says_so():
    for chart in (Chart("Möten per kvartal", (), ()), Chart("Möten per kvartal", ("Kv 1",), ())):
        root = parsed(chart)
        assert root.get("role") == "img"
        assert "Inga uppgifter att visa." in texts(root)
        assert not list(root.iter(f"{SVG}pattern"))


def test_a_small_count_is_labelled_below_five_and_drawn_no_lower_than_five():
    chart = Chart("Beslut per kvartal", ("Kv 1", "Kv 2", "Kv 3"), (Series("Beslut", (2, 0, 10)),))
    root = parsed(chart)
    assert value_labels(root) == ["<5", "<5", "10"]
    drawn = bars(root)
    heights = [float(r.get("height")) for r in drawn]
    assert heights[0] == heights[1] == heights[2] / 2  # 2 and 0 both drawn up to five: half of ten
    assert [bool(r.get("stroke-dasharray")) for r in drawn] == [True, True, False]
    assert any("färre än 5" in text for text in texts(group(root, "chart__legend")))


def test_a_stacked_chart_of_clients_never_prints_a_small_count_or_a_total():
    # The sample's stacked chart with counts of clients: Öppna (5, 6, 3), Avslutade (3, 7, 0)
    chart = dataclasses.replace(sample_figures().charts[0], masks_small=True)
    assert chart.kind == "stacked"
    root = parsed(chart)
    assert sorted(value_labels(root)) == sorted(["5", "<5", "6", "7", "<5", "<5"])
    drawn = bars(root)
    assert len(drawn) == 6
    # Every stacked bar with a masked segment is as high as if that segment were five.
    heights = [float(r.get("height")) for r in drawn]
    unit = heights[0] / 5
    assert heights == [5 * unit, 5 * unit, 6 * unit, 7 * unit, 5 * unit, 5 * unit]


def test_long_point_labels_wrap_within_the_chart():
    chart = Chart(
        "Systemfel per organisation",
        ("Försäkringskassan och Arbetsförmedlingen tillsammans", "Kommunen"),
        (Series("Nya", (8, 9)),),
    )
    root = parsed(chart)
    width = float(root.get("viewBox").split()[2])
    for text in root.iter(f"{SVG}text"):
        assert 0 <= float(text.get("x")) <= width
    lines = texts(group(root, "chart__points"))
    assert len(lines) == 3 and lines[-1] == "Kommunen"  # the long label on two lines, at most
    assert lines[0].startswith("Försäkringskassan") and lines[1].endswith("…")
    assert chart.points[0] not in lines  # split over two lines, not one line wider than its bar


def test_the_figure_id_is_ascii_from_the_title():
    chart = Chart("Systemfel per nivå och status 31 december", ("A",), (Series("S", (5,)),))
    assert charts.chart_id(chart) == "chart-systemfel-per-niva-och-status-31-december"
    assert re.fullmatch(r"[a-z0-9-]+", charts.chart_id(chart))


def test_a_long_single_word_is_drawn_smaller_rather_than_cut():
    chart = Chart(
        "Systemfel per nivå",
        ("Handläggarnivå", "Lokal nivå", "Central nivå"),
        (Series("Öppna", (5, 6, 7)),),
        kind="stacked",
    )
    labels = list(group(parsed(chart), "chart__points").iter(f"{SVG}text"))
    assert labels[0].text == "Handläggarnivå" and labels[0].get("font-size") == "11"
    assert labels[1].text == "Lokal nivå" and labels[1].get("font-size") is None


def test_a_chart_of_meetings_or_system_errors_prints_every_count_and_draws_it_at_its_height():
    chart = Chart(
        "Möten och beslut per kvartal", ("Kv 1", "Kv 2"), (Series("Möten", (2, 4)),), masks_small=False
    )
    root = parsed(chart)
    assert value_labels(root) == ["2", "4"]
    heights = [float(r.get("height")) for r in bars(root)]
    assert heights[0] * 2 == heights[1]
    assert not any(r.get("stroke-dasharray") for r in bars(root))
    assert not any("färre än 5" in text for text in texts(group(root, "chart__legend")))
