package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pretrain4j.app.inference.EncoderTasks;
import org.pretrain4j.app.inference.ExportedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Says whether the second sentence follows the first, with an exported encoder that has an NSP head. */
@Command(name = "next-sentence", mixinStandardHelpOptions = true,
        description = "Probability that SECOND follows FIRST, with an exported encoder trained with nsp.")
final class NextSentenceCommand implements Callable<Integer> {
    private final Output output;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Export folder (e.g. RUN_DIR/export).")
    Path model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Parameters(index = "0", paramLabel = "FIRST", description = "The first sentence.")
    String first;

    @Parameters(index = "1", paramLabel = "SECOND", description = "The sentence that may follow it.")
    String second;

    @Inject
    NextSentenceCommand(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        double[] p;
        try (ExportedModel exported = ExportedModel.open(model)) {
            p = new EncoderTasks(exported).nextSentence(first, second);
        }
        if (json) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("is_next", p[0]);
            row.put("not_next", p[1]);
            row.put("label", p[0] >= p[1] ? "is_next" : "not_next");
            output.out().println(Json.write(row));
        } else {
            output.out().printf("is next     %6.2f%%%nnot next    %6.2f%%%n", 100 * p[0], 100 * p[1]);
        }
        output.out().flush();
        return 0;
    }
}
