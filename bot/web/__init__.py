"""The staff web workspace: server-rendered pages at /staff/ that knows no domain.

The platform gives sign-in by one-time links (`access`), sessions, CSRF, security headers, the
base layout and the language switch (`workspace`, `routes`, `templates/`, `static/`); each domain
declares its pages (`pages.Pages` in its `PAGES`), which take a `Desk` (`desk`).
"""
