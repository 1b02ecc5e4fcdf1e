"""Tests of po_meetings/follow_up/."""
