"""The apicall language server and command line."""
