package org.pretrain4j.backend.onnx.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportRequest;

/** The {@code safetensors} export format: {@link HuggingFaceWeightsExport} plus the shared Hugging Face files. */
final class SafetensorsExportFormat implements ExportFormat {
    @Override
    public String name() {
        return SafetensorsExportFormatFactory.NAME;
    }

    @Override
    public List<String> files(ExportRequest request) {
        List<String> files = new ArrayList<>(List.of(HuggingFaceWeightsExport.FILE));
        files.addAll(HuggingFaceFolder.files(request));
        return files;
    }

    @Override
    public List<String> ownedFiles(ExportRequest request) {
        List<String> files = new ArrayList<>(files(request));
        files.add("generation_config.json");
        return files;
    }

    /** Every model the trainer builds has a Hugging Face layout: BERT, RoBERTa (offset positions) or GPT-2 (causal). */
    @Override
    public boolean fits(TransformerConfig model) {
        return HuggingFaceWeightsExport.architecture(model) != null;
    }

    @Override
    public List<Path> export(ExportRequest request, Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(HuggingFaceWeightsExport.write(request, directory));
        files.addAll(HuggingFaceFolder.writeShared(request, directory));
        return files;
    }
}
