"""The learned parts of ranking: their data, training and evaluation (`apicall train`)."""
