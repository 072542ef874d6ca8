package org.pretrain4j.backend.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PropertySpec;

/**
 * Settings of the {@code onnx} backend, parsed strictly from plugin properties: an unknown key or a
 * bad value fails naming the key.
 *
 * @param threads intra-op worker threads of each session
 * @param device {@code cpu} or {@code cuda}
 * @param optimization ONNX Runtime graph optimisation level: all, extended, basic or none
 * @param memoryPattern whether ONNX Runtime plans memory from the first run's shapes
 * @param arena whether the CPU arena allocator is used
 * @param spinning whether idle worker threads spin (faster on a dedicated machine, wasteful on a shared one)
 * @param profile file prefix for ONNX Runtime's per-op profile (JSON), or empty for none
 */
public record OnnxConfig(int threads, Device device, Optimization optimization, boolean memoryPattern, boolean arena, boolean spinning,
                         String profile) {

    public static final String THREADS = "threads";
    public static final String DEVICE = "device";
    public static final String OPTIMIZATION = "optimization";
    public static final String MEMORY_PATTERN = "memory-pattern";
    public static final String ARENA = "arena";
    public static final String SPINNING = "spinning";
    public static final String PROFILE = "profile";

    public OnnxConfig {
        if (threads < 1) {
            throw new PluginException("onnx backend property '" + THREADS + "' must be >= 1, got " + threads);
        }
        java.util.Objects.requireNonNull(device, "device is null");
        java.util.Objects.requireNonNull(optimization, "optimization is null");
        java.util.Objects.requireNonNull(profile, "profile is null");
    }

    /** Every property with its default. */
    public static List<PropertySpec> properties() {
        return List.of(
                new PropertySpec(THREADS, Integer.toString(defaultThreads()), "intra-op worker threads (default: the machine's cores)"),
                new PropertySpec(DEVICE, "cpu", "cpu, or cuda (needs the -Pgpu build and a CUDA device)"),
                new PropertySpec(OPTIMIZATION, "all", "graph optimisation level: all, extended, basic or none"),
                new PropertySpec(MEMORY_PATTERN, "true", "plan memory from the first run's shapes"),
                new PropertySpec(ARENA, "true", "use ONNX Runtime's CPU arena allocator"),
                new PropertySpec(SPINNING, "true", "let idle worker threads spin between ops"),
                new PropertySpec(PROFILE, "", "file prefix for ONNX Runtime's per-op profile (JSON); empty for none"));
    }

    /** The defaults. */
    public static OnnxConfig defaults() {
        return parse(Map.of());
    }

    /** Parses properties; unknown keys and bad values throw {@link PluginException} naming the key. */
    public static OnnxConfig parse(Map<String, String> properties) {
        Map<String, String> rest = new HashMap<>(properties);
        int threads = defaultThreads();
        String t = rest.remove(THREADS);
        if (t != null) {
            try {
                threads = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                throw new PluginException("onnx backend property '" + THREADS + "' must be a positive integer, got '" + t + "'");
            }
        }
        Device device = Device.CPU;
        String d = rest.remove(DEVICE);
        if (d != null) {
            device = parseEnum(Device.class, DEVICE, d);
        }
        Optimization optimization = Optimization.ALL;
        String o = rest.remove(OPTIMIZATION);
        if (o != null) {
            optimization = parseEnum(Optimization.class, OPTIMIZATION, o);
        }
        boolean memoryPattern = parseBoolean(MEMORY_PATTERN, rest.remove(MEMORY_PATTERN), true);
        boolean arena = parseBoolean(ARENA, rest.remove(ARENA), true);
        boolean spinning = parseBoolean(SPINNING, rest.remove(SPINNING), true);
        String profile = rest.remove(PROFILE);
        if (!rest.isEmpty()) {
            String key = rest.keySet().stream().sorted().findFirst().orElseThrow();
            throw new PluginException("Unknown onnx backend property '" + key + "'. Known: "
                    + List.of(THREADS, DEVICE, OPTIMIZATION, MEMORY_PATTERN, ARENA, SPINNING, PROFILE));
        }
        return new OnnxConfig(threads, device, optimization, memoryPattern, arena, spinning, profile == null ? "" : profile.trim());
    }

    /** The machine's cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw new PluginException("onnx backend property '" + key + "' must be one of " + allowed + ", got '" + value + "'");
    }

    private static boolean parseBoolean(String key, String value, boolean fallback) {
        if (value == null) {
            return fallback;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new PluginException("onnx backend property '" + key + "' must be true or false, got '" + value + "'");
    }

    /** Where sessions run. */
    public enum Device { CPU, CUDA }

    /** ONNX Runtime graph optimisation levels. */
    public enum Optimization { ALL, EXTENDED, BASIC, NONE }
}
