"""Routes for agenda templates (built in the agenda-template routes task)."""
