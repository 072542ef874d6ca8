package org.pretrain4j.backend.onnx.export;

import java.util.Map;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.PluginProperties;

/** The {@code onnx} export format: {@link OnnxExporter}'s folder for ONNX Runtime, transformers.js and Tribuo. */
public final class OnnxExportFormatFactory implements ExportFormatFactory {
    public static final String NAME = "onnx";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ONNX graphs with the weights inside (onnx/model.onnx, onnx/encoder.onnx) for ONNX Runtime, transformers.js and Tribuo";
    }

    @Override
    public ExportFormat create(Map<String, String> properties) {
        PluginProperties.parse("export format '" + NAME + "'", properties, properties());
        return new OnnxExportFormat();
    }
}
