package org.pretrain4j.app.onnx;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.inference.ModelSession;
import org.pretrain4j.backend.onnx.inference.OnnxInferenceException;
import org.pretrain4j.backend.onnx.inference.OnnxModel;

/** {@link ModelSession}s over backend-onnx's {@link OnnxModel}, with its failures as one-line user errors. */
public final class OnnxRuntimeSessions {
    private OnnxRuntimeSessions() {}

    /** Opens {@code modelFile} of the export folder {@code directory}. */
    public static ModelSession open(Path directory, Path modelFile) {
        OnnxModel model;
        try {
            model = OnnxModel.open(modelFile);
        } catch (OnnxInferenceException e) {
            throw UserException.runtime(modelFile + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        return new Session(directory, model);
    }

    private record Session(Path directory, OnnxModel model) implements ModelSession {
        @Override
        public Set<String> inputNames() {
            return model.inputNames();
        }

        @Override
        public Set<String> outputNames() {
            return model.outputNames();
        }

        @Override
        public float[] run(Map<String, long[]> rows, String output) {
            try {
                return model.run(rows, output);
            } catch (OnnxInferenceException e) {
                throw failed(e);
            }
        }

        @Override
        public Decoder decoder(int layers, int heads, int headSize) {
            OnnxModel.Decoder decoder;
            try {
                decoder = model.decoder(layers, heads, headSize);
            } catch (OnnxInferenceException e) {
                throw failed(e);
            }
            return new Decoder() {
                @Override
                public float[] next(long[] ids, long[] attentionMask, long[] positions) {
                    try {
                        return decoder.next(ids, attentionMask, positions);
                    } catch (OnnxInferenceException e) {
                        throw failed(e);
                    } catch (OnnxModel.MissingOutputException e) {
                        throw UserException.runtime("--model: " + e.getMessage());
                    }
                }

                @Override
                public void forget() {
                    decoder.forget();
                }

                @Override
                public void close() {
                    decoder.close();
                }
            };
        }

        private UserException failed(OnnxInferenceException e) {
            return UserException.runtime("ONNX Runtime failed on " + directory + ": " + e.getMessage(), e);
        }

        @Override
        public void close() {
            try {
                model.close();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("cannot close the ONNX Runtime session of " + directory, e.getCause());
            }
        }
    }
}
