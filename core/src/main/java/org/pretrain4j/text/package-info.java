/** Tokenizers (WordPiece, byte-level BPE) trained from a corpus and stored as Hugging Face tokenizer.json. */
package org.pretrain4j.text;
