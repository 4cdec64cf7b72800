"""Fine-tuning the bundled model for apicall's two model tasks (choosing among candidates and
filling argument values): task data, a LoRA trained with peft on the dequantized GGUF, its
export as a llama.cpp GGUF adapter, and the dev-split evaluation through llama.cpp."""
