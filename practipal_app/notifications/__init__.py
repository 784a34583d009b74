"""Email infrastructure: templates, the outbox and the SMTP sender. No reflex import here."""
