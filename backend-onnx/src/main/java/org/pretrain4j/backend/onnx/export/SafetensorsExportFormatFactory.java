package org.pretrain4j.backend.onnx.export;

import java.util.Map;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.PluginProperties;

/**
 * The {@code safetensors} export format: Hugging Face's {@code model.safetensors} under
 * transformers' key names ({@link HuggingFaceWeightsExport}), with the shared {@code config.json}
 * and tokenizer files, so that the folder loads with {@code from_pretrained}.
 */
public final class SafetensorsExportFormatFactory implements ExportFormatFactory {
    public static final String NAME = "safetensors";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Hugging Face model.safetensors (BERT, RoBERTa or GPT-2 key names) with config.json, for transformers' from_pretrained";
    }

    @Override
    public ExportFormat create(Map<String, String> properties) {
        PluginProperties.parse("export format '" + NAME + "'", properties, properties());
        return new SafetensorsExportFormat();
    }
}
