package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * Sentence pairs {@code [CLS] A [SEP] B [SEP]} built exactly as google-research/bert's
 * {@code create_instances_from_document}: {@code max_num_tokens = max_seq_length - 3}; with
 * probability {@code short_seq_prob} a target length drawn from [2, max_num_tokens]; sentences
 * gathered into a chunk until the target length or the document end; A = the first
 * {@code a_end} sentences ({@code a_end} uniform in [1, chunk - 1]); B = the rest (label 0, is next)
 * or, with probability 0.5 or when the chunk has one sentence, sentences of a random other document
 * from a random start (label 1), in which case the unused sentences of the chunk are put back;
 * then {@code truncate_seq_pair} trims the longer side from the front or back at random.
 *
 * <p>Two documented differences, both forced by streaming: google holds every document in memory
 * and shuffles them; here the random B comes from a window of {@code window} documents around the
 * current one (the whole corpus when it is smaller than the window), always a different document
 * (google retries up to 10 times and may keep the same one), and documents are taken in corpus
 * order. The first token of a truncated-at-the-front segment counts as a word start.
 * Randomness for document {@code d} comes from {@code RandomSource.of(seed, epoch, d).fork("pairs")}.
 */
public final class SentencePairs implements ExampleSource {
    /** google BERT's default. */
    public static final double DEFAULT_SHORT_SEQ_PROB = 0.1;
    /** Documents held for drawing random B segments. */
    public static final int DEFAULT_WINDOW = 1000;

    private final TokenizedCorpus corpus;
    private final int maxSeqLength;
    private final double shortSeqProb;
    private final int window;
    private final long seed;
    private final int cls;
    private final int sep;
    private final boolean randomNext;

    public SentencePairs(Corpus corpus, Tokenizer tokenizer, int maxSeqLength, double shortSeqProb, int window, long seed) {
        this(ExampleLayout.SENTENCE_PAIRS, corpus, tokenizer, maxSeqLength, shortSeqProb, window, seed);
    }

    /**
     * Pairs for {@code layout}: {@link ExampleLayout#SENTENCE_PAIRS} (a random B half the time) or
     * {@link ExampleLayout#CONSECUTIVE_PAIRS} (B follows A, a random B only for single-sentence chunks).
     */
    public SentencePairs(ExampleLayout layout, Corpus corpus, Tokenizer tokenizer, int maxSeqLength, double shortSeqProb,
                         int window, long seed) {
        this(layout, TokenizedCorpus.of(requireNonNull(corpus, "corpus is null"), tokenizer), tokenizer, maxSeqLength,
                shortSeqProb, window, seed);
    }

    /** Pairs for {@code layout} from documents already tokenized with {@code tokenizer}. */
    public SentencePairs(ExampleLayout layout, TokenizedCorpus corpus, Tokenizer tokenizer, int maxSeqLength, double shortSeqProb,
                         int window, long seed) {
        requireNonNull(layout, "layout is null");
        if (!layout.pairs()) {
            throw new IllegalArgumentException("sentence pairs cannot be laid out as " + layout);
        }
        this.randomNext = layout == ExampleLayout.SENTENCE_PAIRS;
        this.corpus = requireNonNull(corpus, "corpus is null");
        requireNonNull(tokenizer, "tokenizer is null");
        SpecialTokens s = tokenizer.specialTokens();
        if (s.cls() < 0 || s.sep() < 0) {
            throw new IllegalArgumentException("sentence pairs need [CLS] and [SEP] in the vocabulary (a WordPiece tokenizer); "
                    + "this " + tokenizer.kind() + " tokenizer has none");
        }
        if (maxSeqLength < 5) {
            throw new IllegalArgumentException("max sequence length " + maxSeqLength + " is too short for sentence pairs (minimum 5)");
        }
        if (!(shortSeqProb >= 0 && shortSeqProb <= 1)) {
            throw new IllegalArgumentException("short_seq_prob must be in [0, 1]: " + shortSeqProb);
        }
        if (window < 2) {
            throw new IllegalArgumentException("document window must hold at least 2 documents: " + window);
        }
        this.cls = s.cls();
        this.sep = s.sep();
        this.maxSeqLength = maxSeqLength;
        this.shortSeqProb = shortSeqProb;
        this.window = window;
        this.seed = seed;
    }

    public SentencePairs(Corpus corpus, Tokenizer tokenizer, int maxSeqLength, long seed) {
        this(corpus, tokenizer, maxSeqLength, DEFAULT_SHORT_SEQ_PROB, DEFAULT_WINDOW, seed);
    }

    /** Pairs for {@code layout} with google's {@code short_seq_prob} and the default window. */
    public SentencePairs(ExampleLayout layout, Corpus corpus, Tokenizer tokenizer, int maxSeqLength, long seed) {
        this(layout, corpus, tokenizer, maxSeqLength, DEFAULT_SHORT_SEQ_PROB, DEFAULT_WINDOW, seed);
    }

    @Override
    public int maxLength() {
        return maxSeqLength;
    }

    @Override
    public ExampleLayout layout() {
        return randomNext ? ExampleLayout.SENTENCE_PAIRS : ExampleLayout.CONSECUTIVE_PAIRS;
    }

    /** The random draws of the algorithm, named as in google's Python. */
    interface Draws {
        /** Python's {@code rng.random()}. */
        double random();

        /** Python's {@code rng.randint(a, b)}: uniform in [a, b], both inclusive. */
        int randint(int a, int b);

        /** A uniform document index in [0, count) other than {@code current}. */
        int otherDocument(int count, int current);
    }

    static Draws draws(RandomSource r) {
        return new Draws() {
            @Override
            public double random() {
                return r.nextDouble();
            }

            @Override
            public int randint(int a, int b) {
                return r.nextInt(a, b + 1);
            }

            @Override
            public int otherDocument(int count, int current) {
                int j = r.nextInt(count - 1);
                return j >= current ? j + 1 : j;
            }
        };
    }

    /** One pair before the special tokens are added. */
    record Instance(int[] a, boolean[] aStarts, int[] b, boolean[] bStarts, boolean isRandomNext) {
    }

    /** google's create_instances_from_document over {@code documents}, for {@code documents.get(index)}. */
    static List<Instance> createInstances(List<TokenizedDocument> documents, int index, int maxSeqLength, double shortSeqProb,
            Draws rng) {
        return createInstances(documents, index, maxSeqLength, shortSeqProb, true, rng);
    }

    /** {@code randomNext} false: B is the continuation unless the chunk has one sentence (ALBERT's SOP data). */
    static List<Instance> createInstances(List<TokenizedDocument> documents, int index, int maxSeqLength, double shortSeqProb,
            boolean randomNext, Draws rng) {
        TokenizedDocument document = documents.get(index);
        int maxNumTokens = maxSeqLength - 3;
        int targetSeqLength = maxNumTokens;
        if (rng.random() < shortSeqProb) {
            targetSeqLength = rng.randint(2, maxNumTokens);
        }
        List<Instance> instances = new ArrayList<>();
        List<Integer> currentChunk = new ArrayList<>();
        int currentLength = 0;
        int i = 0;
        while (i < document.size()) {
            currentChunk.add(i);
            currentLength += document.sentences()[i].length;
            if (i == document.size() - 1 || currentLength >= targetSeqLength) {
                if (!currentChunk.isEmpty()) {
                    int aEnd = 1;
                    if (currentChunk.size() >= 2) {
                        aEnd = rng.randint(1, currentChunk.size() - 1);
                    }
                    Segment a = new Segment();
                    for (int j = 0; j < aEnd; j++) {
                        a.add(document, currentChunk.get(j));
                    }
                    Segment b = new Segment();
                    boolean isRandomNext;
                    if (currentChunk.size() == 1 || (randomNext && rng.random() < 0.5)) {
                        isRandomNext = true;
                        int targetBLength = targetSeqLength - a.size();
                        TokenizedDocument randomDocument = documents.get(rng.otherDocument(documents.size(), index));
                        int randomStart = rng.randint(0, randomDocument.size() - 1);
                        for (int j = randomStart; j < randomDocument.size(); j++) {
                            b.add(randomDocument, j);
                            if (b.size() >= targetBLength) {
                                break;
                            }
                        }
                        int numUnusedSegments = currentChunk.size() - aEnd;
                        i -= numUnusedSegments;
                    } else {
                        isRandomNext = false;
                        for (int j = aEnd; j < currentChunk.size(); j++) {
                            b.add(document, currentChunk.get(j));
                        }
                    }
                    truncateSeqPair(a, b, maxNumTokens, rng);
                    instances.add(new Instance(a.tokens(), a.starts(), b.tokens(), b.starts(), isRandomNext));
                }
                currentChunk.clear();
                currentLength = 0;
            }
            i++;
        }
        return instances;
    }

    /** Trims the longer segment (B on ties) one token at a time, from the front or the back at random. */
    static void truncateSeqPair(Segment a, Segment b, int maxNumTokens, Draws rng) {
        while (a.size() + b.size() > maxNumTokens) {
            Segment trunc = a.size() > b.size() ? a : b;
            if (rng.random() < 0.5) {
                trunc.from++;
            } else {
                trunc.to--;
            }
        }
    }

    /** Tokens of consecutive sentences with a window [from, to) that truncation narrows. */
    static final class Segment {
        private final BlockBuilder tokens = new BlockBuilder(64);
        int from;
        int to;

        void add(TokenizedDocument d, int sentence) {
            int[] ids = d.sentences()[sentence];
            boolean[] starts = d.wordStarts()[sentence];
            for (int k = 0; k < ids.length; k++) {
                tokens.add(ids[k], starts[k], false);
            }
            to = tokens.size;
        }

        int size() {
            return to - from;
        }

        int[] tokens() {
            return java.util.Arrays.copyOfRange(tokens.tokens, from, to);
        }

        boolean[] starts() {
            boolean[] s = java.util.Arrays.copyOfRange(tokens.wordStarts, from, to);
            if (s.length > 0) {
                s[0] = true;
            }
            return s;
        }
    }

    Example toExample(Instance instance, long index) {
        int n = instance.a().length + instance.b().length + 3;
        BlockBuilder out = new BlockBuilder(n);
        int[] segments = new int[n];
        out.addSpecial(cls);
        for (int k = 0; k < instance.a().length; k++) {
            out.add(instance.a()[k], instance.aStarts()[k], false);
        }
        out.addSpecial(sep);
        for (int k = 0; k < instance.b().length; k++) {
            segments[out.size] = 1;
            out.add(instance.b()[k], instance.bStarts()[k], false);
        }
        segments[out.size] = 1;
        out.addSpecial(sep);
        return out.build(index, instance.isRandomNext() ? 1 : 0, segments);
    }

    @Override
    public ExampleStream open(long epoch) {
        TokenizedReader reader = corpus.open();
        return new ExampleStream() {
            private final List<TokenizedDocument> buffer = new ArrayList<>();
            private final ArrayDeque<Example> pending = new ArrayDeque<>();
            private long firstIndex; // corpus index of buffer.get(0)
            private long current; // corpus index of the next document to process
            private boolean exhausted;
            private long index;

            /** Keeps at most window/2 processed documents behind the current one, and reads ahead to a full window. */
            private void fill() {
                while (!exhausted && current - firstIndex > window / 2) {
                    buffer.remove(0);
                    firstIndex++;
                }
                while (!exhausted && buffer.size() < window) {
                    TokenizedDocument d = reader.next();
                    if (d == null) {
                        exhausted = true;
                    } else {
                        buffer.add(d);
                    }
                }
            }

            @Override
            public boolean hasNext() {
                while (pending.isEmpty()) {
                    fill();
                    int position = (int) (current - firstIndex);
                    if (position >= buffer.size()) {
                        if (index == 0 && buffer.isEmpty()) {
                            throw reader.nothingRead();
                        }
                        return false;
                    }
                    if (buffer.size() < 2) {
                        throw new CorpusException("sentence pairs need at least 2 documents to draw random next sentences; corpus "
                                + corpus.name() + " has " + buffer.size() + " (non-empty) document");
                    }
                    Draws rng = draws(RandomSource.of(seed, epoch, current).fork("pairs"));
                    for (Instance instance : createInstances(buffer, position, maxSeqLength, shortSeqProb, randomNext, rng)) {
                        pending.add(toExample(instance, index++));
                    }
                    current++;
                }
                return true;
            }

            @Override
            public Example next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.poll();
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }
}
