"""Routes for meetings (built in the meeting routes task)."""
