package org.pretrain4j.app.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.train.NonFiniteLossException;
import org.pretrain4j.train.IoFailures;
import org.pretrain4j.train.TrainingException;
import org.pretrain4j.train.checkpoint.CheckpointException;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * The run folder and the user's other folders: checks that name the option, and the translation of
 * training and checkpoint failures into one-line user errors.
 */
final class RunFolders {
    /** The checkpoints' folder inside a run folder. */
    static final String CHECKPOINTS = "checkpoints";

    private RunFolders() {}

    static CheckpointStore checkpoints(Path runDirectory) {
        return new CheckpointStore(runDirectory.resolve(CHECKPOINTS));
    }

    /** The configuration with its file paths made absolute, so that resume works from any working folder. */
    static RunConfig withAbsolutePaths(RunConfig config) {
        Map<String, Object> paths = new LinkedHashMap<>();
        if (config.corpus() != null) {
            paths.put("corpus", absolute(config.corpus()));
        }
        if (config.tokenizer() != null) {
            paths.put("tokenizer", absolute(config.tokenizer()));
        }
        if (config.initFrom() != null) {
            paths.put("init-from", absolute(config.initFrom()));
        }
        return paths.isEmpty() ? config : ConfigFiles.resolve(config, null, paths);
    }

    private static String absolute(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return path;
        }
    }

    /** A run folder made by 'train': it exists and has its run-config.json. */
    static Path existingRun(Path runDirectory) {
        Path dir = runDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw UserException.usage("--run-dir: '" + runDirectory + "' does not exist.");
        }
        if (!Files.isRegularFile(dir.resolve(ConfigFiles.RUN_CONFIG))) {
            throw UserException.usage("--run-dir: '" + runDirectory + "' has no " + ConfigFiles.RUN_CONFIG
                    + "; is it a run folder made by 'train'?");
        }
        return dir;
    }

    /** An export target must be absent or an empty folder, and its parent a folder we can write. */
    static void checkWritableTarget(Path target, String option) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw UserException.usage(option + ": '" + target + "' is a file, not a folder.");
            }
            try (var entries = Files.list(absolute)) {
                if (entries.findAny().isPresent() && !Files.isRegularFile(absolute.resolve("config.json"))) {
                    throw UserException.usage(option + ": '" + target + "' is not empty and not an earlier export; choose another folder.");
                }
            } catch (IOException e) {
                throw UserException.usage(option + ": cannot read '" + target + "': " + IoFailures.describe(e));
            }
            if (!Files.isWritable(absolute)) {
                throw UserException.usage(option + ": '" + target + "' is not writable.");
            }
            return;
        }
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw UserException.usage(option + ": cannot create '" + target + "': '" + parent + "' is not a folder.");
        }
        if (!Files.isWritable(parent)) {
            throw UserException.usage(option + ": cannot create '" + target + "': '" + parent + "' is not writable.");
        }
    }

    static void createDirectory(Path dir, String option) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw UserException.usage(option + ": cannot create '" + dir + "': " + IoFailures.describe(e));
        }
    }

    /**
     * Runs training code, turning its checkpoint, training and file failures into one-line user
     * errors whose advice fits the case and names only commands and options that exist.
     */
    static <T> T translate(Supplier<T> work, Path runDirectory) {
        try {
            return work.get();
        } catch (NonFiniteLossException e) {
            throw UserException.runtime(e.getMessage() + " Use 'train' with a lower --lr or more --warmup-steps and a new --run-dir.", e);
        } catch (CheckpointException e) {
            throw UserException.runtime(withHint(e, runDirectory), e);
        } catch (TrainingException e) {
            throw UserException.runtime(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            // A listener's file (metrics, loss plot) could not be written: say why, and what is safe.
            throw UserException.runtime(e.getMessage() + ". " + continueHint(runDirectory, "fix the cause"), e);
        }
    }

    /** The message of a checkpoint failure with advice that fits it. */
    static String withHint(CheckpointException e, Path runDirectory) {
        String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
        if (e.writeFailure()) {
            return message + " " + continueHint(runDirectory, IoFailures.isDiskFull(e) ? "free space on its device" : "fix the cause");
        }
        if (e.intactOlder().isPresent()) {
            return message + " 'resume --run-dir " + runDirectory + " --fall-back' sets the damaged checkpoint aside and continues from "
                    + e.intactOlder().get().getFileName() + ".";
        }
        if (message.contains("No older checkpoint is intact") || message.startsWith("No usable checkpoint")) {
            return message + " The run cannot continue; start a new one with 'train' and another --run-dir.";
        }
        return message;
    }

    /** Where a run that stopped on a write failure can continue from. */
    private static String continueHint(Path runDirectory, String cause) {
        Optional<Path> newest = checkpoints(runDirectory).newest();
        return newest.map(p -> "The checkpoints written are intact (newest " + p.getFileName() + "): " + cause
                        + ", then 'resume --run-dir " + runDirectory + "' continues from it.")
                .orElse("No checkpoint was written yet: " + cause + ", then train again.");
    }
}
