"""OpenAPI ingestion, the LanceDB operation index, and the snippet renderers."""
