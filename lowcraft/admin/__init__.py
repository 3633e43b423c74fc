"""Instance settings that instance administrators change at run time (Admin settings in the web client)."""
