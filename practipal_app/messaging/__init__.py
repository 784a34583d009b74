"""Portal threads, the contact log, WhatsApp export import and the daily digest. No reflex import
here."""
