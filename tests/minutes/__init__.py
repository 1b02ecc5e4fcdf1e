"""Tests of po_meetings/minutes/."""
