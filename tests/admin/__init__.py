"""Tests of po_meetings/admin/."""
