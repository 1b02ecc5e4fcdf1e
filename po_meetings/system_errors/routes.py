"""Routes for the systemfel register (built in the register routes task)."""
