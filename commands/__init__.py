"""The command line of the engine (`python -m metrics`): its arguments, its table and its JSON. The storage and
reports command lines (`python -m storage`, `python -m reports`) share its error handling."""
