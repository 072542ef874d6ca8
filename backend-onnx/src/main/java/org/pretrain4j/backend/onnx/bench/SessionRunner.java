package org.pretrain4j.backend.onnx.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;

/** Runs a plain session on host tensors, closing every tensor and result it creates. */
final class SessionRunner {
    private final OrtSession session;
    private final OrtEnvironment env = org.pretrain4j.backend.onnx.OrtLoader.environment();

    SessionRunner(OrtSession session) {
        this.session = session;
    }

    void run(Map<String, HostTensor> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
                HostTensor v = e.getValue();
                feed.put(e.getKey(), v.dtype() == DType.FLOAT32
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(v.floats()), v.shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(v.longs()), v.shape()));
            }
            session.run(feed).close();
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }
}
