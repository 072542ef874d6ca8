package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.plugin.PluginRegistry;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.spi.ExportFolder;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.train.checkpoint.Checkpoint;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * Exports of a run: a checkpoint's parameters with the run's tokenizer and configuration, written
 * by the chosen {@link ExportFormat}s (by default every discovered one that fits the model) into
 * one export folder that appears all at once.
 */
@Singleton
final class RunExports {
    private final PluginRegistry registry;

    @Inject
    RunExports(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    /** Exports the checkpoint at {@code checkpoint} (a folder under the run's checkpoints/) into {@code output}, in every format that fits. */
    Path exportCheckpoint(Setup setup, Path checkpoint, Path output) {
        Checkpoint loaded = RunFolders.translate(() -> new CheckpointStore(checkpoint.getParent()).load(checkpoint), setup.runDirectory());
        return export(setup, loaded.tensors(), output, formats(List.of(), setup));
    }

    /** Exports the newest checkpoint of the run into {@code output} in {@code formatNames} (empty: every one that fits). */
    Path exportNewest(Setup setup, Path output, List<String> formatNames) {
        List<ExportFormat> formats = formats(formatNames, setup);
        Path dir = setup.runDirectory();
        Checkpoint checkpoint = RunFolders.translate(() -> RunFolders.checkpoints(dir).loadNewest(false, m -> {}), dir)
                .orElseThrow(() -> UserException.runtime("'" + dir + "' has no checkpoint to export."));
        return export(setup, checkpoint.tensors(), output, formats);
    }

    /** The formats to write: the named ones, each of which must fit the model, or every discovered one that fits. */
    List<ExportFormat> formats(List<String> names, Setup setup) {
        List<ExportFormat> chosen = new ArrayList<>();
        if (names.isEmpty()) {
            for (ExportFormatFactory factory : registry.exportFormats().values()) {
                ExportFormat format = factory.create(Map.of());
                if (format.fits(setup.model())) {
                    chosen.add(format);
                }
            }
            if (chosen.isEmpty()) {
                throw UserException.usage("--format: no export format fits this model (available: "
                        + registry.exportFormats().keySet() + "); add the jar of one to --plugins.");
            }
            return chosen;
        }
        for (String name : new LinkedHashSet<>(names)) {
            ExportFormat format = registry.exportFormat(name, Map.of());
            if (!format.fits(setup.model())) {
                throw UserException.usage("--format: export format '" + name + "' cannot write this model ("
                        + setup.model().attention().name().toLowerCase(java.util.Locale.ROOT) + ", " + setup.model().layers()
                        + " layers); leave it out.");
            }
            chosen.add(format);
        }
        return chosen;
    }

    private Path export(Setup setup, Map<String, HostTensor> state, Path output, List<ExportFormat> formats) {
        Map<String, Program> programs = setup.graphs().exportPrograms();
        Program model = programs.get("model");
        Program encoder = programs.get("encoder");
        Map<String, HostTensor> needed = new LinkedHashMap<>(TrainingGraphs.stateFor(model, state));
        if (encoder != null) {
            needed.putAll(TrainingGraphs.stateFor(encoder, state));
        }
        ExportRequest request = new ExportRequest(model, encoder, needed, setup.model(), setup.tokenizer(),
                setup.objective().name(), setup.objective().exportMetadata(), ConfigFiles.toJson(setup.config()));
        Path target = output.toAbsolutePath().normalize();
        // Every file any discovered format may write here: the only files a re-export replaces or removes.
        Set<String> ownFiles = new LinkedHashSet<>();
        for (ExportFormatFactory factory : registry.exportFormats().values()) {
            ownFiles.addAll(factory.create(Map.of()).ownedFiles(request));
        }
        try {
            ExportFolder.write(target, ownFiles, directory -> {
                List<Path> files = new ArrayList<>();
                for (ExportFormat format : formats) {
                    files.addAll(format.export(request, directory));
                }
                return files;
            });
            return target;
        } catch (IOException e) {
            throw UserException.runtime("Cannot write the export folder '" + output + "': " + org.pretrain4j.train.IoFailures.describe(e), e);
        }
    }
}
