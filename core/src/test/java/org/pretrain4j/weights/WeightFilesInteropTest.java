package org.pretrain4j.weights;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.testkit.Python;

/**
 * Against the Python libraries installed now (not only the committed fixtures): files torch and
 * safetensors write at build time read exactly, and a file our writer makes loads in safetensors.
 * Without python3 and its packages these tests fail with the install command.
 */
final class WeightFilesInteropTest {
    @TempDir
    Path dir;

    @Test
    void readsFilesTheInstalledTorchAndSafetensorsWriteNow() throws Exception {
        Python.run("make_weight_fixtures.py", List.of("torch", "safetensors"), dir.toString());
        assertThat(WeightFixtures.checkAll(dir)).isEqualTo(17);
        WeightFilesTest.assertOneLineError(() -> TorchCheckpointReader.open(dir.resolve("malicious.bin")), dir.resolve("malicious.bin"),
                "global 'posix.system' is refused");
        assertThat(dir.resolve("pwned.txt")).doesNotExist();
    }

    @Test
    void whatOurWriterWritesLoadsInTheSafetensorsLibrary() throws Exception {
        LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("encoder.weight", HostTensor.ofFloats(new long[] {2, 3}, new float[] {1.5f, -2, 0.1f, 3e-39f, -0f, 65504}));
        tensors.put("encoder.bias", HostTensor.ofFloats(new long[] {3}, new float[] {7, 8, 9}));
        tensors.put("scale", HostTensor.scalar(0.25f));
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        JsonNode read = new ObjectMapper().readTree(Python.run("read_safetensors.py", List.of("torch", "safetensors"), file.toString()));
        assertThat(read.get("metadata").get("format").asText()).isEqualTo("pt");
        assertThat(read.get("tensors").size()).isEqualTo(tensors.size());
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            JsonNode t = read.get("tensors").get(e.getKey());
            assertThat(t.get("dtype").asText()).isEqualTo("torch.float32");
            assertThat(WeightFixtures.longs(t.get("shape"))).containsExactly(e.getValue().shape());
            assertThat(WeightFixtures.floats(t.get("values"))).containsExactly(e.getValue().floats());
        }
    }
}
