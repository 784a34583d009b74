"""What every domain shares: errors, the acting person, audit, tokens, time and money formatting,
phones, PDF fonts. No reflex import here."""
