"""The communication charter, where the system places it, reply rules, the portal home and the
WhatsApp kit. No reflex import here."""
