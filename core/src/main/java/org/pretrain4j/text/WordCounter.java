package org.pretrain4j.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Counts pre-tokenized words over a stream of texts on all cores. Memory is bounded by the word
 * table, not by the corpus: texts are consumed in chunks from a bounded queue.
 */
final class WordCounter {
    private static final int CHUNK = 1024;
    private static final List<String> END = new ArrayList<>();

    private WordCounter() {
    }

    static Map<String, long[]> count(Iterable<String> texts, BiConsumer<String, Consumer<String>> splitter) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        BlockingQueue<List<String>> queue = new ArrayBlockingQueue<>(threads * 4);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "p4j-word-counter");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Map<String, long[]>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    Map<String, long[]> local = new HashMap<>();
                    Consumer<String> add = w -> local.computeIfAbsent(w, k -> new long[1])[0]++;
                    while (true) {
                        List<String> chunk = queue.take();
                        if (chunk == END) {
                            return local;
                        }
                        for (String text : chunk) {
                            splitter.accept(text, add);
                        }
                    }
                }));
            }
            Iterator<String> it = texts.iterator();
            List<String> chunk = new ArrayList<>(CHUNK);
            try {
                while (it.hasNext()) {
                    chunk.add(it.next());
                    if (chunk.size() == CHUNK) {
                        putChecked(queue, chunk, futures);
                        chunk = new ArrayList<>(CHUNK);
                    }
                }
                if (!chunk.isEmpty()) {
                    putChecked(queue, chunk, futures);
                }
            } finally {
                for (int t = 0; t < threads; t++) {
                    queue.put(END);
                }
            }
            Map<String, long[]> total = null;
            for (Future<Map<String, long[]>> f : futures) {
                Map<String, long[]> part = f.get();
                if (total == null) {
                    total = part;
                } else {
                    for (Map.Entry<String, long[]> e : part.entrySet()) {
                        long[] c = total.putIfAbsent(e.getKey(), e.getValue());
                        if (c != null) {
                            c[0] += e.getValue()[0];
                        }
                    }
                }
            }
            return total == null ? new HashMap<>() : total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting words", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException("word counting failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void putChecked(BlockingQueue<List<String>> queue, List<String> chunk,
            List<Future<Map<String, long[]>>> futures) throws InterruptedException, ExecutionException {
        while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            for (Future<Map<String, long[]>> f : futures) {
                if (f.isDone()) {
                    f.get(); // surfaces a worker's failure instead of blocking forever
                }
            }
        }
    }
}
