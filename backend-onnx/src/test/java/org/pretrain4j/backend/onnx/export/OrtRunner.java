package org.pretrain4j.backend.onnx.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;

/** Runs an exported ONNX file with plain ONNX Runtime, as another application would. */
final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtRunner(Path model) throws OrtException {
        session = env.createSession(model.toString(), new OrtSession.SessionOptions());
    }

    OrtSession session() {
        return session;
    }

    Map<String, HostTensor> run(Map<String, HostTensor> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                HostTensor v = inputs.get(name);
                if (v == null) {
                    throw new IllegalArgumentException("missing input " + name);
                }
                feed.put(name, v.dtype() == DType.FLOAT32
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(v.floats()), v.shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(v.longs()), v.shape()));
            }
            Map<String, HostTensor> out = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(feed)) {
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] shape = t.getInfo().getShape();
                    float[] data = new float[Math.toIntExact(HostTensor.elementCount(shape))];
                    t.getFloatBuffer().get(data);
                    out.put(e.getKey(), HostTensor.ofFloats(shape, data));
                }
            }
            return out;
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
