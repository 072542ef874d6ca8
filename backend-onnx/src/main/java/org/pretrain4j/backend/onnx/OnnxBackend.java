package org.pretrain4j.backend.onnx;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.Program;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.PluginException;

/** The {@code onnx} backend: one ONNX Runtime session per compiled program. */
public final class OnnxBackend implements Backend {
    private final OnnxConfig config;
    private final List<OnnxExecutable> open = new ArrayList<>();
    private boolean closed;

    public OnnxBackend(OnnxConfig config) {
        this.config = requireNonNull(config, "config is null");
        OrtLoader.environment();
        if (config.device() == OnnxConfig.Device.CUDA && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new PluginException("onnx backend property 'device' is cuda, but this ONNX Runtime build has no CUDA provider "
                    + "(available: " + OrtEnvironment.getAvailableProviders() + "). Build with 'mvn -Pgpu' on a machine with CUDA, or use device=cpu.");
        }
    }

    /** The version of the ONNX Runtime library on the class path. */
    public static String runtimeVersion() {
        return OrtLoader.environment().getVersion();
    }

    @Override
    public String name() {
        return OnnxBackendFactory.NAME;
    }

    public OnnxConfig config() {
        return config;
    }

    @Override
    public synchronized Executable compile(Program program) {
        if (closed) {
            throw new IllegalStateException("onnx backend is closed");
        }
        OnnxLowering.Lowered lowered = OnnxLowering.lower(program,
                OnnxLowering.Options.training(program.name()));
        OnnxExecutable executable = new OnnxExecutable(this, program, lowered, createSession(lowered.model().toByteArray(), config));
        open.add(executable);
        return executable;
    }

    synchronized void closed(OnnxExecutable executable) {
        open.remove(executable);
    }

    @Override
    public int threads() {
        return config.threads();
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (OnnxExecutable e : new ArrayList<>(open)) {
            e.close();
        }
        open.clear();
    }

    /**
     * Creates a session for a serialised model with the configured threads, device and optimisation;
     * closes the options. Runs on a {@link LargeStack} thread: session creation for a training graph
     * overflows a default 1 MiB stack.
     */
    public static OrtSession createSession(byte[] model, OnnxConfig config) {
        OrtEnvironment env = OrtLoader.environment();
        return LargeStack.call("onnxruntime-session", () -> {
            try (OrtSession.SessionOptions options = sessionOptions(config)) {
                return env.createSession(model, options);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not load the lowered graph: " + e.getMessage(), e);
            }
        });
    }

    /** Session options for a configuration; the caller closes them. */
    public static OrtSession.SessionOptions sessionOptions(OnnxConfig config) {
        OrtLoader.environment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(config.threads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(optLevel(config.optimization()));
            options.setMemoryPatternOptimization(config.memoryPattern());
            options.setCPUArenaAllocator(config.arena());
            options.addConfigEntry("session.intra_op.allow_spinning", config.spinning() ? "1" : "0");
            if (!config.profile().isEmpty()) {
                options.enableProfiling(config.profile());
            }
            if (config.device() == OnnxConfig.Device.CUDA) {
                options.addCUDA();
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new PluginException("onnx backend: could not set up the session (" + config + "): " + e.getMessage());
        }
    }

    private static OrtSession.SessionOptions.OptLevel optLevel(OnnxConfig.Optimization o) {
        switch (o) {
            case NONE:
                return OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC:
                return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED:
                return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            default:
                return OrtSession.SessionOptions.OptLevel.ALL_OPT;
        }
    }
}
