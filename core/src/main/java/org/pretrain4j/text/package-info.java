/**
 * Tokenizers (WordPiece, byte-level BPE) trained from a corpus and stored as Hugging Face tokenizer.json.
 *
 * <p>Entry points: {@link org.pretrain4j.text.WordPieceTrainer} and {@link org.pretrain4j.text.BpeTrainer}
 * (or {@link org.pretrain4j.text.Tokenizers#train}), {@link org.pretrain4j.text.Tokenizers#load} for a
 * tokenizer.json or vocab.txt, and {@link org.pretrain4j.text.Tokenizers#tokenizerConfig} for the
 * tokenizer_config.json the exporter writes beside it. Encodings match Hugging Face tokenizers id for id
 * and offset for offset.
 */
package org.pretrain4j.text;
