package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pretrain4j.app.inference.Candidate;
import org.pretrain4j.app.inference.EncoderTasks;
import org.pretrain4j.app.inference.ExportedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Predicts the tokens behind each [MASK] with an exported encoder. */
@Command(name = "fill-mask", mixinStandardHelpOptions = true,
        description = "Predict the words behind each [MASK] with an exported encoder (ONNX Runtime).")
final class FillMaskCommand implements Callable<Integer> {
    private final Output output;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Export folder (e.g. RUN_DIR/export).")
    Path model;

    @Option(names = "--top-k", defaultValue = "5", description = "Candidates per mask (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "Print JSON as the Hugging Face pipeline does: score, token, token_str, sequence.")
    boolean json;

    @Parameters(paramLabel = "TEXT", description = "Text with one or more [MASK] tokens.")
    String text;

    @Inject
    FillMaskCommand(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        if (topK <= 0) {
            throw org.pretrain4j.app.UserException.usage("--top-k must be positive, got " + topK + ".");
        }
        List<List<Candidate>> result;
        try (ExportedModel exported = ExportedModel.open(model)) {
            result = new EncoderTasks(exported).fillMask(text, topK);
        }
        if (json) {
            List<Object> masks = new ArrayList<>();
            for (List<Candidate> candidates : result) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Candidate c : candidates) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("score", c.probability());
                    row.put("token", c.id());
                    row.put("token_str", c.token());
                    row.put("sequence", c.sequence());
                    rows.add(row);
                }
                masks.add(rows);
            }
            output.out().println(Json.write(masks.size() == 1 ? masks.get(0) : masks));
        } else {
            print(output, result);
        }
        output.out().flush();
        return 0;
    }

    static void print(Output output, List<List<Candidate>> result) {
        for (int m = 0; m < result.size(); m++) {
            if (result.size() > 1) {
                output.out().println("[MASK] #" + (m + 1) + ":");
            }
            for (Candidate c : result.get(m)) {
                output.out().printf("  %-16s %6.2f%%   %s%n", c.token(), 100 * c.probability(), c.sequence());
            }
        }
    }
}
