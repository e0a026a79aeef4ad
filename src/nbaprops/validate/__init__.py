"""Validation: coverage, checks, gates, checklists and readiness. Functions return results; the CLI prints."""
