"""The local model: a quantized GGUF through llama.cpp (llama-cpp-python), one lock in front of it,
work in a thread, cancellation between tokens, and a time budget per request."""
