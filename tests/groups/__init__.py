"""Tests of po_meetings/groups/."""
