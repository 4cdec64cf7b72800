"""`python -m apicall`: the command line (apicall.lsp_server.cli)."""

from apicall.lsp_server.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
