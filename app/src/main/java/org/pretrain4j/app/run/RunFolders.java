package org.pretrain4j.app.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.train.NonFiniteLossException;
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
                throw UserException.usage(option + ": cannot read '" + target + "': " + e.getMessage());
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
            throw UserException.usage(option + ": cannot create '" + dir + "': " + e.getMessage());
        }
    }

    /** Runs training code, turning its checkpoint and training failures into one-line user errors. */
    static <T> T translate(Supplier<T> work) {
        try {
            return work.get();
        } catch (NonFiniteLossException e) {
            throw UserException.runtime(e.getMessage(), e);
        } catch (CheckpointException e) {
            throw UserException.runtime(e.getMessage() + ". Delete the damaged checkpoint folder to resume from an earlier one.", e);
        } catch (TrainingException e) {
            throw UserException.runtime(e.getMessage(), e);
        }
    }
}
