package org.pretrain4j.data.prepared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.ExampleSource;
import org.pretrain4j.data.ExampleSources;
import org.pretrain4j.data.ExampleStream;
import org.pretrain4j.data.TokenizedCorpus;
import org.pretrain4j.data.TokenizedDocument;
import org.pretrain4j.data.TokenizedReader;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTokenizer;
import org.pretrain4j.text.WordPieceTrainer;

final class PreparedDatasetTest {
    @TempDir
    static Path shared;
    static Path text;
    static Tokenizer wordPiece;
    static Tokenizer bpe;
    static PreparedDataset wordPieceSet;

    @BeforeAll
    static void prepare() throws IOException {
        text = PreparedFixtures.writeCorpus(shared, 120);
        Corpus corpus = PreparedFixtures.corpus(text);
        wordPiece = WordPieceTrainer.train(corpus.sentences(), WordPieceTrainer.Options.of(1500));
        bpe = BpeTrainer.train(corpus.sentences(), BpeTrainer.Options.of(600));
        // Small shards, so that documents cross shard files.
        DatasetPreparation.prepare(corpus, wordPiece, shared.resolve("wordpiece"), 20_000, t -> {});
        wordPieceSet = PreparedDataset.open(shared.resolve("wordpiece"));
    }

    static List<TokenizedDocument> documents(TokenizedCorpus corpus) {
        List<TokenizedDocument> out = new ArrayList<>();
        try (TokenizedReader r = corpus.open()) {
            for (TokenizedDocument d = r.next(); d != null; d = r.next()) {
                out.add(d);
            }
        }
        return out;
    }

    static List<Example> examples(ExampleSource source, long epoch) {
        List<Example> out = new ArrayList<>();
        try (ExampleStream s = source.open(epoch)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void storesEveryDocumentSentenceAndWordStartOfTheText() {
        DatasetManifest m = wordPieceSet.manifest();
        assertThat(m.shards()).hasSizeGreaterThan(2);
        assertThat(m.documents()).isEqualTo(120);
        assertThat(m.type()).isEqualTo(TokenType.UINT16);
        assertThat(m.tokenizerSha256()).isEqualTo(PreparedDataset.sha256(shared.resolve("wordpiece").resolve("tokenizer.json")));
        assertThat(PreparedDataset.canonicalSha256(shared.resolve("wordpiece").resolve("tokenizer.json")))
                .isEqualTo(PreparedDataset.canonicalSha256(wordPiece));
        List<TokenizedDocument> fromText = documents(TokenizedCorpus.of(PreparedFixtures.corpus(text), wordPiece));
        List<TokenizedDocument> stored = documents(wordPieceSet.corpus());
        // The control-character document has no tokens: stored, counted, never returned.
        assertThat(fromText).hasSize(119);
        assertThat(stored).hasSize(fromText.size());
        long tokens = 0;
        for (int d = 0; d < stored.size(); d++) {
            assertThat(stored.get(d).sentences()).isDeepEqualTo(fromText.get(d).sentences());
            assertThat(stored.get(d).wordStarts()).isDeepEqualTo(fromText.get(d).wordStarts());
            tokens += stored.get(d).tokens();
        }
        assertThat(m.tokens()).isEqualTo(tokens);
        assertThat(wordPieceSet.shards().stream().mapToLong(IndexedShard::documents).sum()).isEqualTo(120);
    }

    @Test
    void trainingFromTheDatasetGivesTheExamplesOfTheText() {
        Corpus corpus = PreparedFixtures.corpus(text);
        for (ExampleLayout layout : ExampleLayout.values()) {
            for (boolean validation : new boolean[] {false, true}) {
                ExampleSource fromText = ExampleSources.forLayout(layout, corpus.split(7, 0.1, validation), wordPiece, 64, 7);
                ExampleSource fromShards = ExampleSources.forLayout(layout, wordPieceSet.corpus().split(7, 0.1, validation),
                        wordPiece, 64, 7);
                for (long epoch = 0; epoch < 2; epoch++) {
                    List<Example> expected = examples(fromText, epoch);
                    assertThat(expected).as(layout + " validation " + validation).hasSizeGreaterThan(validation ? 3 : 100);
                    assertThat(examples(fromShards, epoch)).as(layout + " validation " + validation + " epoch " + epoch)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void byteLevelBpeKeepsTheSpaceBeforeLaterSentences(@TempDir Path dir) {
        Corpus corpus = PreparedFixtures.corpus(text);
        DatasetManifest m = DatasetPreparation.prepare(corpus, bpe, dir.resolve("bpe"), PreparedDatasetWriter.DEFAULT_MAX_SHARD_BYTES,
                t -> {});
        assertThat(m.shards()).hasSize(1);
        PreparedDataset set = PreparedDataset.open(dir.resolve("bpe"));
        ExampleSource fromText = ExampleSources.forLayout(ExampleLayout.PACKED_BLOCKS, corpus, bpe, 32, 3);
        ExampleSource fromShards = ExampleSources.forLayout(ExampleLayout.PACKED_BLOCKS, set.corpus(), bpe, 32, 3);
        assertThat(examples(fromShards, 0)).isEqualTo(examples(fromText, 0));
        assertThat(set.tokenizer().vocabularySize()).isEqualTo(bpe.vocabularySize());
    }

    @Test
    void largeVocabulariesStoreInt32(@TempDir Path dir) {
        List<String> vocab = new ArrayList<>(WordPieceTokenizer.DEFAULT_SPECIALS);
        for (int w = 0; w < 70_000; w++) {
            vocab.add("w" + w);
        }
        WordPieceTokenizer big = WordPieceTokenizer.fromVocabularyLines(vocab, true, true);
        Corpus corpus = Corpus.of("big", List.of(new org.pretrain4j.data.Document("a", List.of("w1 w69999 w65535", "w7")),
                new org.pretrain4j.data.Document("b", List.of("w65600 w2"))));
        DatasetPreparation.prepare(corpus, big, dir.resolve("big"), 1 << 20, t -> {});
        PreparedDataset set = PreparedDataset.open(dir.resolve("big"));
        assertThat(set.manifest().type()).isEqualTo(TokenType.INT32);
        List<TokenizedDocument> docs = documents(set.corpus());
        assertThat(docs.get(0).sentences()[0]).containsExactly(big.tokenToId("w1"), big.tokenToId("w69999"), big.tokenToId("w65535"));
        assertThat(docs.get(1).sentences()[0]).containsExactly(big.tokenToId("w65600"), big.tokenToId("w2"));
    }

    @Test
    void aTruncatedBinFailsNamingTheFile(@TempDir Path dir) throws IOException {
        Path copy = copyOf(shared.resolve("wordpiece"), dir.resolve("copy"));
        Path bin = copy.resolve("shard-00001.bin");
        try (FileChannel c = FileChannel.open(bin, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 10);
        }
        assertThatThrownBy(() -> PreparedDataset.open(copy)).isInstanceOf(CorpusException.class)
                .hasMessageContaining(bin.toString()).hasMessageContaining("truncated").hasMessageContaining("shard-00001.idx says");
    }

    @Test
    void aTokenizerOtherThanTheDatasetsFailsNamingTheManifest() {
        wordPieceSet.checkTokenizer(wordPieceSet.tokenizer(), "--tokenizer");
        assertThatThrownBy(() -> wordPieceSet.checkTokenizer(bpe, "--tokenizer other.json")).isInstanceOf(CorpusException.class)
                .hasMessageContaining("--tokenizer other.json differs from the tokenizer prepared dataset")
                .hasMessageContaining(shared.resolve("wordpiece").resolve("manifest.json").toString());
    }

    @Test
    void theTokenizerCheckIgnoresTheOrderOfJsonKeys(@TempDir Path dir) throws IOException {
        // Tokenizer.save may order a JSON object's keys differently in another JVM: the same tokenizer all the same.
        Path reordered = dir.resolve("tokenizer.json");
        Files.writeString(reordered, Files.readString(wordPieceSet.tokenizerFile()).replace("\"type\" : \"BertPreTokenizer\"",
                "\"type\"   :   \"BertPreTokenizer\""));
        assertThat(Files.readString(reordered)).isNotEqualTo(Files.readString(wordPieceSet.tokenizerFile()));
        wordPieceSet.checkTokenizer(org.pretrain4j.text.Tokenizers.load(reordered), "--tokenizer");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Map<?, ?> tree = json.readValue(wordPieceSet.tokenizerFile().toFile(), java.util.LinkedHashMap.class);
        java.util.List<Object> keys = new ArrayList<>(tree.keySet());
        java.util.Collections.reverse(keys);
        java.util.Map<Object, Object> reversed = new java.util.LinkedHashMap<>();
        keys.forEach(k -> reversed.put(k, tree.get(k)));
        json.writeValue(reordered.toFile(), reversed);
        assertThat(PreparedDataset.canonicalSha256(reordered)).isEqualTo(PreparedDataset.canonicalSha256(wordPieceSet.tokenizerFile()));
        assertThat(PreparedDataset.sha256(reordered)).isNotEqualTo(PreparedDataset.sha256(wordPieceSet.tokenizerFile()));
    }

    @Test
    void aChangedManifestOrMissingMarkerFails(@TempDir Path dir) throws IOException {
        Path copy = copyOf(shared.resolve("wordpiece"), dir.resolve("copy"));
        Files.delete(copy.resolve(ShardFiles.MARKER));
        assertThatThrownBy(() -> PreparedDataset.open(copy)).hasMessageContaining("no _SUCCESS marker");
        Files.createFile(copy.resolve(ShardFiles.MARKER));
        Path manifest = copy.resolve(ShardFiles.MANIFEST);
        String original = Files.readString(manifest);
        Files.writeString(manifest, original.replaceFirst("\"tokens\" : (\\d+)", "\"tokens\" : 5"));
        assertThatThrownBy(() -> PreparedDataset.open(copy)).isInstanceOf(CorpusException.class)
                .hasMessageContaining(manifest + ": totals (120 documents");
        // One document moved from the first shard's count to the second's: totals agree, the first index does not.
        DatasetManifest m = wordPieceSet.manifest();
        List<DatasetManifest.Shard> shards = new ArrayList<>(m.shards());
        DatasetManifest.Shard a = shards.get(0);
        DatasetManifest.Shard b = shards.get(1);
        shards.set(0, new DatasetManifest.Shard(a.name(), a.documents() - 1, a.sentences(), a.tokens()));
        shards.set(1, new DatasetManifest.Shard(b.name(), b.documents() + 1, b.sentences(), b.tokens()));
        try (var out = Files.newOutputStream(manifest)) {
            DatasetManifest.of(m.source(), m.tokenizerSha256(), m.vocabularySize(), shards).write(out);
        }
        assertThatThrownBy(() -> PreparedDataset.open(copy)).isInstanceOf(CorpusException.class)
                .hasMessageContaining("shard-00000.idx: holds");
    }

    @Test
    void anUnreadableInputFailsNamingItAndLeavesNoDataset(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("in"));
        Files.writeString(folder.resolve("a.txt"), "One sentence here.\n\nAnother document.\n");
        Path bad = folder.resolve("b.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
        Corpus corpus = org.pretrain4j.data.Corpora.open(folder.toString(), org.pretrain4j.data.CorpusOptions.defaults());
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> DatasetPreparation.prepare(corpus, wordPiece, out, 1 << 20, t -> {}))
                .isInstanceOf(CorpusException.class).hasMessageContaining(bad.toString());
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("in");
        }
    }

    @Test
    void anExistingOutputIsNeverOverwritten() {
        assertThatThrownBy(() -> DatasetPreparation.prepare(PreparedFixtures.corpus(text), wordPiece, shared.resolve("wordpiece"), 1 << 20,
                t -> {})).isInstanceOf(CorpusException.class).hasMessageContaining("already exists");
    }

    static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
