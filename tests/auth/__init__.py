"""Tests of po_meetings/auth/."""
