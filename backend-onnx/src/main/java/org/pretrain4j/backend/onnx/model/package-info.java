/** A small builder of ONNX models on the protobuf classes of tribuo-util-onnx, with exact value names. */
package org.pretrain4j.backend.onnx.model;
