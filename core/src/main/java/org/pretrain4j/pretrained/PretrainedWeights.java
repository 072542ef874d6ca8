package org.pretrain4j.pretrained;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.weights.WeightReader;

/**
 * Reads a Hugging Face checkpoint into our parameters and reports as Hugging Face does: keys the
 * model needs that the file lacks (those parameters keep their initial values), keys the file has
 * that the model does not use. A tensor whose shape differs from the model's fails naming the key,
 * the file and both shapes.
 *
 * @param state our parameters read from the file, by our names
 * @param missing Hugging Face keys the model needs and the file lacks (their parameters are initialised)
 * @param unexpected keys of the file the model does not use
 * @param file the weights file read
 */
public record PretrainedWeights(Map<String, HostTensor> state, List<String> missing, List<String> unexpected, Path file) {
    public PretrainedWeights {
        state = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(state));
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        requireNonNull(file, "file is null");
    }

    /**
     * Reads from {@code reader} every parameter of {@code parameters} (our name to shape, e.g. the
     * variables of the evaluation program) that the file holds.
     */
    public static PretrainedWeights read(WeightReader reader, HuggingFaceArchitecture architecture, TransformerConfig config,
            Map<String, long[]> parameters) {
        Set<String> names = reader.names();
        String prefix = names.stream().anyMatch(n -> n.startsWith(architecture.prefix())) ? architecture.prefix() : "";
        Map<String, HuggingFaceKeys.Entry> byOurs = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (HuggingFaceKeys.Entry e : HuggingFaceKeys.entries(architecture, config)) {
            if (e.ours() != null) {
                byOurs.put(e.ours(), e);
            } else {
                // The dropped key bias: read by nobody, expected all the same.
                used.add(stored(names, (e.base() ? prefix : "") + e.key()));
            }
        }
        Map<String, HostTensor> state = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        Map<String, HostTensor> cache = new HashMap<>();
        for (Map.Entry<String, long[]> p : parameters.entrySet()) {
            HuggingFaceKeys.Entry e = byOurs.get(p.getKey());
            if (e == null) {
                missing.add(p.getKey() + " (pretrain4j's own, no Hugging Face counterpart)");
                continue;
            }
            String key = stored(names, (e.base() ? prefix : "") + e.key());
            if (!names.contains(key)) {
                missing.add(e.base() ? architecture.prefix() + e.key() : e.key());
                continue;
            }
            used.add(key);
            long[] expected = HuggingFaceKeys.theirShape(e.part(), p.getValue());
            long[] actual = reader.shape(key);
            if (!Arrays.equals(expected, actual)) {
                throw new PretrainedModelException(reader.file(), "tensor '" + key + "' has shape " + Arrays.toString(actual)
                        + " but the model described by config.json needs " + Arrays.toString(expected));
            }
            HostTensor stored = cache.computeIfAbsent(key, reader::read);
            state.put(p.getKey(), HuggingFaceKeys.toOurs(e.part(), stored));
        }
        List<String> unexpected = new ArrayList<>();
        for (String n : names) {
            if (!used.contains(n) && !HuggingFaceKeys.ignored(architecture, n)) {
                unexpected.add(n);
            }
        }
        return new PretrainedWeights(state, missing, unexpected, reader.file());
    }

    /** The key as the file stores it: TensorFlow-converted BERT files name LayerNorm parameters gamma and beta. */
    private static String stored(Set<String> names, String key) {
        if (!names.contains(key) && key.contains("LayerNorm.")) {
            String old = key.endsWith(".weight") ? key.substring(0, key.length() - 7) + ".gamma"
                    : key.endsWith(".bias") ? key.substring(0, key.length() - 5) + ".beta" : key;
            if (names.contains(old)) {
                return old;
            }
        }
        return key;
    }
}
