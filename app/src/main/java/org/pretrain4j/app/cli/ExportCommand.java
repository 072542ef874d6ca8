package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pretrain4j.app.run.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Exports a run's last checkpoint into a folder other runtimes load, in the chosen export formats. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a run's last checkpoint into a folder (config.json, tokenizer.json and each format's files, "
                + "e.g. onnx/model.onnx for onnxruntime, transformers.js and Tribuo). 'plugins' lists the formats.")
final class ExportCommand implements Callable<Integer> {
    private final RunService runs;
    private final Output output;

    @Option(names = "--run-dir", required = true, paramLabel = "DIR", description = "The run folder.")
    Path runDir;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "The export folder to write: absent, empty, or an earlier export, of which only the files an export "
                    + "writes are replaced; other files there (a model card, a quantized model) are left alone.")
    Path out;

    @Option(names = "--format", split = ",", paramLabel = "NAME[,NAME]",
            description = "Export formats to write, e.g. onnx,safetensors (default: every one that fits the model).")
    List<String> formats = new ArrayList<>();

    @Inject
    ExportCommand(RunService runs, Output output) {
        this.runs = requireNonNull(runs, "runs is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        Path written = runs.export(runDir, out, formats);
        output.out().println("Exported to " + written);
        output.out().flush();
        return 0;
    }
}
