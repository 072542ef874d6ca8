package org.pretrain4j.data.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.Tokenizers;

/** Tokenizers loaded once per executor JVM from the tokenizer.json the driver broadcasts, keyed by its hash. */
final class ExecutorTokenizers {
    private static final ConcurrentHashMap<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private ExecutorTokenizers() {
    }

    static Tokenizer get(String sha256, String json) {
        return LOADED.computeIfAbsent(sha256, h -> {
            try {
                Path temp = Files.createTempFile("p4j-tokenizer-", ".json");
                try {
                    Files.writeString(temp, json, StandardCharsets.UTF_8);
                    return Tokenizers.load(temp);
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new CorpusException("cannot load the broadcast tokenizer on an executor: " + e.getMessage(), e);
            }
        });
    }
}
