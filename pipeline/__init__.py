"""Files in, figures out: reading a council's files (records and counts templates) and working out the metrics
with the engine (metrics/), for the app and the command lines alike. The engine itself reads no file."""
