"""The dashboard's routes: :mod:`.api` (JSON under ``/api``) and :mod:`.pages` (HTML)."""
