"""Tests of po_meetings/system_errors/."""
