"""Domain operations shared by flows, the command line and (later) HTTP endpoints."""
