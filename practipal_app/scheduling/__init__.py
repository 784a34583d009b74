"""Availability rules, free slots, appointments, calendar files and feeds, reminders and their
emails. No reflex import here."""
