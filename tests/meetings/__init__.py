"""Tests of po_meetings/meetings/."""
