/**
 * Tokenizers (WordPiece, byte-level BPE) trained from a corpus and stored as Hugging Face tokenizer.json.
 *
 * <p>Entry points: {@link org.pretrain4j.text.WordPieceTrainer} and {@link org.pretrain4j.text.BpeTrainer}
 * (or {@link org.pretrain4j.text.Tokenizers#train}), {@link org.pretrain4j.text.Tokenizers#load} for a
 * tokenizer.json or vocab.txt, {@link org.pretrain4j.text.Tokenizers#loadFromModelFolder} for the
 * tokenizer files of a Hugging Face model folder (BERT, RoBERTa, GPT-2), and
 * {@link org.pretrain4j.text.Tokenizers#saveForExport} for the two files an export folder needs. Encodings match Hugging Face tokenizers id for id and offset for offset.
 */
package org.pretrain4j.text;
