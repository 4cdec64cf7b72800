"""Renderers, one module per language; `index.render.registry` lists them."""
