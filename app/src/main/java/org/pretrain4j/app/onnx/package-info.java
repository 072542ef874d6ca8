/**
 * The ONNX adapter: the one package of {@code app} that imports {@code backend-onnx} (inference on
 * an export folder through ONNX Runtime, and the {@code bench} command's ONNX Runtime benchmark).
 * Everything else in the app reaches the backend through the SPI and Guice; an ArchUnit rule
 * ({@code ArchitectureTest}) keeps it so.
 */
package org.pretrain4j.app.onnx;
