package org.pretrain4j.backend.onnx.inference;

/** ONNX Runtime could not load or run an exported model; the message says why. */
public final class OnnxInferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxInferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public OnnxInferenceException(String message) {
        super(message);
    }
}
