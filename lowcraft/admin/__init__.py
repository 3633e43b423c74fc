"""Instance settings that instance administrators change at run time (the Admin page of the web client)."""
