"""Pages: public/, therapist/, portal/ — one module per page."""
