"""Helpers the tests share: servers, the demo snapshot, the endpoint matrix."""
