"""Starlette routes mounted before Reflex's own."""
