package org.pretrain4j.backend.onnx.export;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OLCUT provenance of an exported model: what trained it (objective, model sizes, tokenizer,
 * library and runtime versions, a hash of the run configuration), stored in the ONNX metadata under
 * {@code TRIBUO_PROVENANCE} in the form Tribuo models carry theirs. The map constructor is the one
 * OLCUT's unmarshaller calls.
 */
public final class ExportProvenance implements ObjectProvenance {
    private static final long serialVersionUID = 1L;
    /** The class whose instances this provenance describes. */
    public static final String MODEL_CLASS = "org.pretrain4j.nn.Transformer";

    private final Map<String, Provenance> values;

    /** Provenance from plain string facts. */
    public static ExportProvenance of(Map<String, String> facts) {
        Map<String, Provenance> values = new TreeMap<>();
        for (Map.Entry<String, String> e : facts.entrySet()) {
            values.put(e.getKey(), new StringProvenance(e.getKey(), e.getValue()));
        }
        return new ExportProvenance(values);
    }

    /** The constructor OLCUT's unmarshaller uses. */
    public ExportProvenance(Map<String, Provenance> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** The facts as strings. */
    public Map<String, String> facts() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof StringProvenance s ? s.getValue() : v.toString()));
        return out;
    }

    @Override
    public String getClassName() {
        return MODEL_CLASS;
    }

    @Override
    public Iterator<Pair<String, Provenance>> iterator() {
        List<Pair<String, Provenance>> list = new ArrayList<>();
        values.forEach((k, v) -> list.add(new Pair<>(k, v)));
        return list.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportProvenance other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return generateString("pretrain4j export");
    }
}
