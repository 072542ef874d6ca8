package org.pretrain4j.app.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.backend.onnx.export.ExportRequest;
import org.pretrain4j.backend.onnx.export.OnnxExporter;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.train.checkpoint.Checkpoint;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/** Exports of a run: a checkpoint's parameters with the run's tokenizer and configuration, into an export folder. */
final class RunExports {
    private RunExports() {}

    /** Exports the checkpoint at {@code checkpoint} (a folder under the run's checkpoints/) into {@code output}. */
    static Path exportCheckpoint(Setup setup, Path checkpoint, Path output) {
        Checkpoint loaded = RunFolders.translate(() -> new CheckpointStore(checkpoint.getParent()).load(checkpoint), setup.runDirectory());
        return export(setup, loaded.tensors(), output);
    }

    /** Exports the newest checkpoint of the run into {@code output}. */
    static Path exportNewest(Setup setup, Path output) {
        Path dir = setup.runDirectory();
        Checkpoint checkpoint = RunFolders.translate(() -> RunFolders.checkpoints(dir).loadNewest(false, m -> {}), dir)
                .orElseThrow(() -> UserException.runtime("'" + dir + "' has no checkpoint to export."));
        return export(setup, checkpoint.tensors(), output);
    }

    private static Path export(Setup setup, Map<String, HostTensor> state, Path output) {
        Map<String, Program> programs = setup.graphs().exportPrograms();
        Program model = programs.get("model");
        Program encoder = programs.get("encoder");
        Map<String, HostTensor> needed = new LinkedHashMap<>(TrainingGraphs.stateFor(model, state));
        if (encoder != null) {
            needed.putAll(TrainingGraphs.stateFor(encoder, state));
        }
        ExportRequest request = new ExportRequest(model, encoder, needed, setup.model(), setup.tokenizer(),
                setup.objective().name(), setup.objective().exportMetadata(), ConfigFiles.toJson(setup.config()));
        try {
            return OnnxExporter.export(request, output).directory();
        } catch (IOException e) {
            throw UserException.runtime("Cannot write the export folder '" + output + "': " + org.pretrain4j.train.IoFailures.describe(e), e);
        }
    }
}
