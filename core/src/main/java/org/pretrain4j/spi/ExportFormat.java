package org.pretrain4j.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pretrain4j.nn.TransformerConfig;

/**
 * One way of writing a trained model into an export folder (ONNX graphs, Hugging Face safetensors
 * weights, ...). Created by an {@link ExportFormatFactory}. The host picks the formats ({@code export
 * --format onnx,safetensors}, by default every one that {@link #fits} the model), makes one
 * temporary folder, lets each format write its files into it in name order, and renames the folder
 * into place only when all succeeded. Several formats may write the same shared file (e.g. the
 * Hugging Face {@code config.json} and {@code tokenizer.json}): a format writes such a file only
 * when no earlier format of the same export has, and writes identical content when it does.
 */
public interface ExportFormat {
    /** The format's name, the one its factory has. */
    String name();

    /**
     * The files this format writes for {@code request}, relative to the export folder with
     * {@code /} separators (e.g. {@code onnx/model.onnx}), its own and the shared ones.
     */
    List<String> files(ExportRequest request);

    /**
     * Every file this format may write in any export, e.g. an encoder graph that only encoders have:
     * a re-export over an earlier export replaces these and removes those it did not write again,
     * and leaves every other file (a user's model card) alone. By default only {@link #files} of the
     * request at hand, so a format whose files vary with the model should list them all.
     */
    default List<String> ownedFiles(ExportRequest request) {
        return files(request);
    }

    /** Whether this format can write {@code model} (an architecture it has a layout for). */
    boolean fits(TransformerConfig model);

    /**
     * Writes this format's files into {@code directory}, an existing folder, and returns the files it
     * wrote. Throws IOException when a file cannot be written, and {@link PluginException} (naming
     * the format) when the request does not follow what the format needs.
     */
    List<Path> export(ExportRequest request, Path directory) throws IOException;
}
