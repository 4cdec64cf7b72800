"""The evaluation harness: test sets from indexed specs, the API Pack paper's metrics."""
