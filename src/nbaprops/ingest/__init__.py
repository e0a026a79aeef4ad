"""Phase 2 ingest: staged files (real or synthetic) → typed `raw.*` tables, quarantine and load audit."""
