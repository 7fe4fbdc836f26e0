"""Open Contracting Data Standard 1.1: tender releases, their export and import."""
