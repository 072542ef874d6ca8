package org.pretrain4j.weights;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;

/** The fixture folder made by {@code make_weight_fixtures.py}, and the check that our readers give what torch gave. */
final class WeightFixtures {
    private WeightFixtures() {}

    /** The committed fixtures. */
    static Path committed() {
        try {
            return Path.of(WeightFixtures.class.getResource("/weights/expected.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a fixture of {@code expected.json} by its key: a safetensors file, the sharded folder or a torch.save file. */
    static WeightReader open(Path folder, String key) {
        if (key.equals("sharded")) {
            return WeightFiles.open(folder.resolve(key));
        }
        if (key.endsWith(".bin")) {
            return TorchCheckpointReader.open(folder.resolve(key));
        }
        return SafetensorsReader.open(folder.resolve(key));
    }

    /** Reads every fixture of {@code folder} and compares names, shapes, dtypes and every value with its expected.json. */
    static int checkAll(Path folder) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(folder.resolve("expected.json").toFile());
        int checked = 0;
        Iterator<Map.Entry<String, JsonNode>> files = expected.fields();
        while (files.hasNext()) {
            Map.Entry<String, JsonNode> file = files.next();
            try (WeightReader reader = open(folder, file.getKey())) {
                List<String> names = new ArrayList<>();
                file.getValue().fieldNames().forEachRemaining(names::add);
                if (file.getKey().endsWith(".bin")) {
                    assertThat(reader.names()).as("tensor order of %s", file.getKey()).containsExactlyElementsOf(names);
                } else {
                    assertThat(reader.names()).as("tensors of %s", file.getKey()).containsExactlyInAnyOrderElementsOf(names);
                }
                for (String name : names) {
                    JsonNode want = file.getValue().get(name);
                    String what = file.getKey() + " " + name;
                    long[] shape = longs(want.get("shape"));
                    assertThat(reader.shape(name)).as("shape of %s", what).containsExactly(shape);
                    assertThat(reader.dtype(name)).as("dtype of %s", what).isEqualTo(want.get("dtype").asText());
                    HostTensor t = reader.read(name);
                    assertThat(t.shape()).as("tensor shape of %s", what).containsExactly(shape);
                    assertThat(t.floats()).as("values of %s", what).containsExactly(floats(want.get("values")));
                    checked++;
                }
            }
        }
        return checked;
    }

    static long[] longs(JsonNode array) {
        long[] v = new long[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asLong();
        }
        return v;
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }
}
