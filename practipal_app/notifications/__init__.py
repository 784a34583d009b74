"""Email: templates, the outbox, the SMTP sender and the worker. No reflex import here."""
