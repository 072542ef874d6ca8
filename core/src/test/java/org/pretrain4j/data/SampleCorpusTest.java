package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class SampleCorpusTest {
    @Test
    void englishDefaultKeepsTheEnglishDocumentsSplitIntoSentences() {
        long english = 0;
        long sentences = 0;
        try (DocumentReader r = SampleCorpus.english().open()) {
            while (r.hasNext()) {
                Document d = r.next();
                english++;
                sentences += d.sentences().size();
                assertThat(SampleCorpus.looksEnglish(String.join(" ", d.sentences()))).isTrue();
            }
        }
        // The stop-word rule keeps about 1,270 of 17,597 documents (see the class comment).
        assertThat(english).isBetween(1100L, 1500L);
        assertThat(sentences).isGreaterThan(english * 3);
        long all;
        try (DocumentReader r = SampleCorpus.allLanguages().open()) {
            all = r.stream().count();
        }
        assertThat(all).isEqualTo(17_597);
    }

    @Test
    void stopWordRatioSeparatesEnglishFromOtherLanguages() {
        assertThat(SampleCorpus.looksEnglish("This is the report of the committee on the budget, and it is not finished.")).isTrue();
        assertThat(SampleCorpus.looksEnglish("Ich freue mich sehr, daß Herr Bertens hier ist, denn er hat auch teilgenommen.")).isFalse();
        assertThat(SampleCorpus.looksEnglish("Invitiamo dunque la Commissione a sottoporre nuove proposte.")).isFalse();
    }
}
