/** The {@code onnx} backend: lowers core graphs to standard ONNX and runs them on ONNX Runtime. */
package org.pretrain4j.backend.onnx;
