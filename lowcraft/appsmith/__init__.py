"""Import Appsmith applications: readers for every export form, the widget tree conversion and
the import report. Nothing here writes to the store; the import service builds on it."""
