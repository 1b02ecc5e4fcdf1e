"""Where the project's files are: the checkout holds the package, templates, static files and
migrations side by side. A leaf module, so that anything may import it without importing the app."""

from pathlib import Path

#: The checkout's top folder (pyproject.toml, templates/, static/, migrations/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
