"""First-run setup of a practice and its staff, and portal invites. No reflex import here."""
