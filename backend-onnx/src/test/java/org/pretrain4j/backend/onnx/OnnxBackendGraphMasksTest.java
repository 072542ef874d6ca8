package org.pretrain4j.backend.onnx;

import java.util.Map;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.testkit.BackendContract;

/** The onnx backend with dropout masks drawn by int64 ops inside the graph (dropout-masks=graph) also passes the kit. */
final class OnnxBackendGraphMasksTest implements BackendContract {
    @Override
    public Backend createBackend() {
        return new OnnxBackendFactory().create(Map.of("threads", "2", "dropout-masks", "graph"));
    }
}
