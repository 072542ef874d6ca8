/** Throughput measurement of training steps and exported models on ONNX Runtime, with a GEMM baseline for MFU. */
package org.pretrain4j.backend.onnx.bench;
