"""Accounts, passwords, sign-in sessions and clients. No reflex import here."""
