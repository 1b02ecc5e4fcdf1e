"""Tests of po_meetings/agendas/."""
