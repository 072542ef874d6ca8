package org.pretrain4j.app.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.inference.Candidate;

/** Training runs in a run folder: train, resume, evaluate, export. Shared by the commands and the library API. */
public class RunService {
    /** A fill-mask example shown after training. */
    public record Example(String text, List<List<Candidate>> candidates) {}

    public RunResult train(RunConfig config, Path runDirectory, boolean export) {
        throw UserException.runtime("Training is not wired yet.");
    }

    public RunResult resume(Path runDirectory, Integer steps, boolean export) {
        throw UserException.runtime("Training is not wired yet.");
    }

    public Map<String, Double> evaluate(Path runDirectory, Integer batches) {
        throw UserException.runtime("Training is not wired yet.");
    }

    public Path export(Path runDirectory, Path output) {
        throw UserException.runtime("Export is not wired yet.");
    }

    public Optional<Example> example(RunResult result, String text) {
        return Optional.empty();
    }
}
