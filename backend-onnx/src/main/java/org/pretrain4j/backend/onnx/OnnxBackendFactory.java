package org.pretrain4j.backend.onnx;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.BackendFactory;
import org.pretrain4j.spi.PropertySpec;

/** The {@code onnx} backend: lowers graphs to standard ONNX and runs them on ONNX Runtime. */
public final class OnnxBackendFactory implements BackendFactory {
    /** The backend's name. */
    public static final String NAME = "onnx";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ONNX Runtime " + OnnxBackend.runtimeVersion() + " (CPU; CUDA with the -Pgpu build)";
    }

    @Override
    public List<PropertySpec> properties() {
        return OnnxConfig.properties();
    }

    @Override
    public Backend create(Map<String, String> properties) {
        return new OnnxBackend(OnnxConfig.parse(properties));
    }
}
