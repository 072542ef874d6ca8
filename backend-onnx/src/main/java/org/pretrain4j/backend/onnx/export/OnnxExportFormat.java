package org.pretrain4j.backend.onnx.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportRequest;

/** The {@code onnx} export format: writes through {@link OnnxExporter#writeInto}. */
final class OnnxExportFormat implements ExportFormat {
    @Override
    public String name() {
        return OnnxExportFormatFactory.NAME;
    }

    @Override
    public List<String> files(ExportRequest request) {
        return OnnxExporter.files(request);
    }

    /** Both graphs whatever the model, so that a decoder exported over an encoder's export removes its encoder graph. */
    @Override
    public List<String> ownedFiles(ExportRequest request) {
        List<String> files = new ArrayList<>(List.of("onnx/model.onnx", "onnx/encoder.onnx", "pretrain4j.json",
                "generation_config.json"));
        files.addAll(HuggingFaceFolder.files(request));
        return files;
    }

    /** Every model the trainer builds: BERT-style encoders and GPT-2-style decoders both lower to ONNX. */
    @Override
    public boolean fits(TransformerConfig model) {
        return true;
    }

    @Override
    public List<Path> export(ExportRequest request, Path directory) throws IOException {
        return OnnxExporter.writeInto(request, directory);
    }
}
