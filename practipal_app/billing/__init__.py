"""Billing for India: settings, invoices, payments, GST, UPI, PDFs, views and emails. No reflex
import here."""
