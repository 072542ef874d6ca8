package org.pretrain4j.backend.onnx.inference;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.backend.onnx.LargeStack;
import org.pretrain4j.backend.onnx.OrtLoader;

/**
 * One ONNX Runtime session over an exported model file, with int64 inputs of shape {@code [1, n]}
 * in and float outputs out. The session is created on the backend's {@link LargeStack}. Owns the
 * session; close it once.
 */
public final class OnnxModel implements AutoCloseable {
    private final OrtEnvironment environment;
    private final OrtSession session;

    private OnnxModel(OrtEnvironment environment, OrtSession session) {
        this.environment = environment;
        this.session = session;
    }

    /** Opens {@code modelFile} with default session options; fails with ONNX Runtime's reason. */
    public static OnnxModel open(Path modelFile) {
        requireNonNull(modelFile, "modelFile is null");
        OrtEnvironment environment = OrtLoader.environment();
        OrtSession session = LargeStack.call("onnxruntime-session", () -> {
            try {
                return environment.createSession(modelFile.toString(), new OrtSession.SessionOptions());
            } catch (OrtException e) {
                throw new OnnxInferenceException(e.getMessage(), e);
            }
        });
        return new OnnxModel(environment, session);
    }

    public Set<String> inputNames() {
        return session.getInputNames();
    }

    public Set<String> outputNames() {
        return session.getOutputNames();
    }

    /**
     * Runs the model on one row: each input is an int64 tensor of shape {@code [1, values.length]};
     * returns {@code output} flattened.
     */
    public float[] run(Map<String, long[]> rows, String output) {
        List<OnnxTensor> created = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            for (Map.Entry<String, long[]> e : rows.entrySet()) {
                OnnxTensor t = row(e.getValue());
                created.add(t);
                inputs.put(e.getKey(), t);
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
                OnnxValue value = result.get(output).orElseThrow();
                return floats((OnnxTensor) value);
            }
        } catch (OrtException e) {
            throw new OnnxInferenceException(e.getMessage(), e);
        } finally {
            created.forEach(OnnxTensor::close);
        }
    }

    /**
     * A decoder over this model with a key/value cache ({@code past_key_values.L.key/value} in,
     * {@code present.L.key/value} out) for {@code layers} layers of {@code heads} heads of {@code headSize}.
     */
    public Decoder decoder(int layers, int heads, int headSize) {
        return new Decoder(layers, heads, headSize);
    }

    OnnxTensor row(long[] values) throws OrtException {
        return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), new long[] {1, values.length});
    }

    static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session", e);
        }
    }

    /**
     * Runs the decoder step by step: each call feeds tokens after those already in the cache and
     * keeps the returned cache for the next call, until {@link #forget()} drops it. Close it once.
     */
    public final class Decoder implements AutoCloseable {
        private final int layers;
        private final List<OnnxTensor> emptyPast = new ArrayList<>();
        private OrtSession.Result previous;

        private Decoder(int layers, int heads, int headSize) {
            this.layers = layers;
            try {
                float[] none = new float[0];
                for (int i = 0; i < 2 * layers; i++) {
                    emptyPast.add(OnnxTensor.createTensor(environment, FloatBuffer.wrap(none), new long[] {1, heads, 0, headSize}));
                }
            } catch (OrtException e) {
                close();
                throw new OnnxInferenceException(e.getMessage(), e);
            }
        }

        /**
         * Feeds {@code ids} (with the attention mask over cache and feed, and, when the model takes
         * them, the positions) and returns the logits of every fed position, flattened.
         */
        public float[] next(long[] ids, long[] attentionMask, long[] positions) {
            OrtSession.Result result;
            try (OnnxTensor idTensor = row(ids);
                    OnnxTensor maskTensor = row(attentionMask);
                    OnnxTensor positionTensor = row(positions)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                inputs.put("input_ids", idTensor);
                inputs.put("attention_mask", maskTensor);
                if (inputNames().contains("position_ids")) {
                    inputs.put("position_ids", positionTensor);
                }
                for (int layer = 0; layer < layers; layer++) {
                    inputs.put("past_key_values." + layer + ".key", past(layer, "key"));
                    inputs.put("past_key_values." + layer + ".value", past(layer, "value"));
                }
                result = session.run(inputs);
            } catch (OrtException e) {
                throw new OnnxInferenceException(e.getMessage(), e);
            }
            // The new result holds the cache now; the previous one's tensors were only inputs.
            if (previous != null) {
                previous.close();
            }
            previous = result;
            return floats((OnnxTensor) result.get("logits").orElseThrow());
        }

        /** Drops the cache: the next call starts from an empty one. */
        public void forget() {
            if (previous != null) {
                previous.close();
                previous = null;
            }
        }

        private OnnxTensor past(int layer, String kind) {
            if (previous == null) {
                return emptyPast.get(2 * layer + (kind.equals("key") ? 0 : 1));
            }
            String name = "present." + layer + "." + kind;
            return (OnnxTensor) previous.get(name).orElseThrow(
                    () -> new MissingOutputException(name));
        }

        @Override
        public void close() {
            forget();
            emptyPast.forEach(OnnxTensor::close);
            emptyPast.clear();
        }
    }

    /** The model lacks an output the decoder protocol needs (EXPORT.md). */
    public static final class MissingOutputException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String output;

        MissingOutputException(String output) {
            super("the decoder returns no '" + output + "' (EXPORT.md).");
            this.output = output;
        }

        public String output() {
            return output;
        }
    }
}
