"""Domain logic: plain functions taking a Session. No reflex import here."""
