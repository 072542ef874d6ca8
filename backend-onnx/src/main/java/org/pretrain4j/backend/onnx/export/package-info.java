/** Writes export folders (ONNX model, configs, tokenizer) that transformers.js, onnxruntime and Tribuo load unchanged. */
package org.pretrain4j.backend.onnx.export;
