"""One module per language-server feature; each registers its handlers on the server."""
