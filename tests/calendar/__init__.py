"""Tests of po_meetings/calendar/."""
