"""Kenesh runtime: settings, command line, app wiring and channel adapters."""
