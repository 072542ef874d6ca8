/** Inference on an export folder through ONNX Runtime: fill-mask, next-sentence and text generation with the KV cache. */
package org.pretrain4j.app.inference;
