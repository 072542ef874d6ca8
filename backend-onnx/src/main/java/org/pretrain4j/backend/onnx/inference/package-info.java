/**
 * Inference on an exported ONNX model through ONNX Runtime, for the app's {@code fill-mask},
 * {@code generate} and {@code next-sentence} commands: the app reaches ONNX Runtime only through
 * these classes (and its one adapter over them), never directly.
 */
package org.pretrain4j.backend.onnx.inference;
