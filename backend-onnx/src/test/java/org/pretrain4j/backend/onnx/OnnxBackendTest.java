package org.pretrain4j.backend.onnx;

import java.util.Map;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.testkit.BackendContract;

/** The onnx backend passes the backend conformance kit (two threads, all graph optimisations). */
final class OnnxBackendTest implements BackendContract {
    @Override
    public Backend createBackend() {
        return new OnnxBackendFactory().create(Map.of("threads", "2"));
    }
}
