"""apicall: offline API calls from comments. The layers: apicall.index (no model) <-
apicall.model_runtime (llama.cpp) <- apicall.lsp_server (the server and the command line)."""
