"""Reflex states: thin adapters from events to services."""
