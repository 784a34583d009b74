"""The resource vault, forms and the intake, with their PDFs and emails. No reflex import here."""
