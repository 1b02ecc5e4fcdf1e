"""The benchmark of the app against a minimal Flask app (make bench); not part of the test suite."""
