"""JS libraries installed in applications: fetched once by the server from an allowed URL, stored
by hash, served to the editor and viewer by Lowcraft itself, and loaded into the evaluation worker."""
