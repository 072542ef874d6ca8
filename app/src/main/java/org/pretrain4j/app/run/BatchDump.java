package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.inject.Inject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.BatchSource;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.TrainerConfig;

/**
 * Writes the exact batches a {@code train} run of a configuration reads (the first {@code steps}
 * training batches, in order, and the held-out split as evaluation reads it), so that another
 * implementation can train on the same data: the Hugging Face reference in {@code bench/}.
 *
 * <p>The folder gets {@code tokenizer.json}, {@code run-config.json}, {@code recipe.json} (model sizes,
 * optimizer and schedule), {@code train.bin} and {@code held-out.bin}. A {@code .bin} file is the
 * magic {@code P4JBATCH}, then per batch: int32 input count, and per input: int16 name length, the
 * UTF-8 name, int32 rank, int64 dims, int32 values; an input count of 0 ends the file. Little-endian.
 */
public class BatchDump {
    static final byte[] MAGIC = "P4JBATCH".getBytes(StandardCharsets.US_ASCII);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunSetup setups;
    private final RunData data;

    /** What was written. */
    public record Written(Path directory, int trainBatches, int heldOutBatches) {}

    @Inject
    BatchDump(RunSetup setups, RunData data) {
        this.setups = requireNonNull(setups, "setups is null");
        this.data = requireNonNull(data, "data is null");
    }

    /** Writes the batches of {@code config} into {@code output} (created; must be absent or empty). */
    public Written write(RunConfig config, Path output) {
        if (config.gradientAccumulation() != 1) {
            throw UserException.usage("--gradient-accumulation: the batch dump writes one batch per step; use 1.");
        }
        RunFolders.checkWritableTarget(output, "--output");
        Path dir = output.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw UserException.usage("--output: cannot create '" + output + "': " + e.getMessage());
        }
        Objective objective = setups.objective(config);
        ExampleLayout layout = objective.layout().orElse(ExampleLayout.PACKED_BLOCKS);
        RunData.Corpora corpora = data.corpora(config);
        Tokenizer tokenizer = data.tokenizerForNewRun(config, corpora, objective.attention(), dir.resolve(RunService.TOKENIZER));
        TransformerConfig model = TransformerConfig.preset(TransformerConfig.Preset.parse(config.preset()),
                tokenizer.vocabularySize(), Math.max(512, config.sequenceLength()), objective.attention())
                .withDropout(config.dropout(), config.dropout());
        RunData.Batches batches = data.batches(config, corpora, tokenizer, objective, layout);
        ConfigFiles.save(config, dir);
        writeRecipe(config, model, tokenizer, dir.resolve("recipe.json"));
        int train = writeBatches(batches.train(), config.steps(), dir.resolve("train.bin"));
        int heldOut = writeBatches(batches.validation(), Integer.MAX_VALUE, dir.resolve("held-out.bin"));
        return new Written(dir, train, heldOut);
    }

    private static void writeRecipe(RunConfig config, TransformerConfig model, Tokenizer tokenizer, Path file) {
        AdamW.Config adam = TrainerSettings.optimizer(config);
        TrainerConfig trainer = TrainerSettings.trainerConfig(config);
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("layers", model.layers());
        recipe.put("hidden", model.hidden());
        recipe.put("heads", model.heads());
        recipe.put("ffn", model.ffn());
        recipe.put("vocab_size", model.vocabularySize());
        recipe.put("max_positions", model.maxPositions());
        recipe.put("type_vocab_size", model.typeVocabularySize());
        recipe.put("layer_norm_eps", model.layerNormEpsilon());
        recipe.put("initializer_range", model.initializerRange());
        recipe.put("hidden_dropout", model.hiddenDropout());
        recipe.put("attention_dropout", model.attentionDropout());
        recipe.put("pad_token_id", Math.max(0, tokenizer.specialTokens().pad()));
        recipe.put("objective", config.objective());
        recipe.put("steps", trainer.steps());
        recipe.put("batch_size", config.batchSize());
        recipe.put("sequence_length", config.sequenceLength());
        recipe.put("learning_rate", trainer.learningRate());
        recipe.put("warmup_steps", trainer.effectiveWarmupSteps());
        recipe.put("schedule", trainer.schedule().toString());
        recipe.put("beta1", adam.beta1());
        recipe.put("beta2", adam.beta2());
        recipe.put("epsilon", adam.epsilon());
        recipe.put("weight_decay", adam.weightDecay());
        recipe.put("clip_norm", adam.clipNorm());
        recipe.put("seed", config.seed());
        try {
            Files.writeString(file, JSON.writeValueAsString(recipe) + "\n");
        } catch (IOException e) {
            throw UserException.runtime("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes at most {@code limit} batches of {@code source} from its start; returns how many. */
    static int writeBatches(BatchSource source, int limit, Path file) {
        int count = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
                BatchSource.Stream stream = source.open(DataPosition.START)) {
            out.write(MAGIC);
            while (count < limit) {
                Batch batch = stream.next();
                if (batch == null) {
                    break;
                }
                writeBatch(batch, out);
                count++;
            }
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0).array());
        } catch (IOException e) {
            throw UserException.runtime("Cannot write " + file + ": " + e.getMessage(), e);
        }
        return count;
    }

    private static void writeBatch(Batch batch, OutputStream out) throws IOException {
        Map<String, HostTensor> inputs = batch.inputs();
        out.write(littleEndian(4).putInt(inputs.size()).array());
        for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
            HostTensor t = e.getValue();
            if (t.dtype() != DType.INT64) {
                throw new IllegalStateException("batch input '" + e.getKey() + "' is " + t.dtype() + ", not INT64");
            }
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            long[] values = t.longs();
            ByteBuffer header = littleEndian(2 + name.length + 4 + 8 * t.rank());
            header.putShort((short) name.length).put(name).putInt(t.rank());
            for (long d : t.shape()) {
                header.putLong(d);
            }
            out.write(header.array());
            ByteBuffer body = littleEndian(4 * values.length);
            for (long v : values) {
                body.putInt(Math.toIntExact(v));
            }
            out.write(body.array());
        }
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
