"""Backups that restore: one archive of the database and the uploads, taken by `practipal backup`
or daily by the worker, and put back into an empty deployment by `practipal restore`."""
