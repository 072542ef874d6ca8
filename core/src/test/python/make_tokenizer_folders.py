"""Writes tiny Hugging Face model folders' tokenizer files and what transformers encodes with them.

Usage: python3 make_tokenizer_folders.py OUTPUT_FOLDER

Each subfolder is laid out as published models are: BERT with vocab.txt (Google's compact BERTs,
bert-base-uncased before tokenizer.json), RoBERTa and GPT-2 with vocab.json + merges.txt, with and
without tokenizer_config.json, and each of them saved again by transformers (tokenizer.json).
The vocabularies are trained here on a few sentences (no network). expected.json holds, per folder,
the ids AutoTokenizer.from_pretrained(folder) gives for SENTENCES alone and in pairs.
"""
import json
import os
import sys

from tokenizers import ByteLevelBPETokenizer, BertWordPieceTokenizer
from transformers import AutoTokenizer

TRAINING = [
    "The quick brown fox jumps over the lazy dog.",
    "Pre-training continues on domain text: clinical notes, legal contracts, source code.",
    "Hello world! Hello there, general Kenobi. The world is small.",
    "Café déjà vu, naïve façade; Ünïcödé and 東京.",
    "Numbers like 12345 and 3.14 appear in sentences too.",
] * 3

SENTENCES = [
    "Hello world!",
    "The quick brown fox jumps over the lazy dog.",
    "  Leading spaces and   runs of spaces  ",
    "Café déjà vu in Tokyo 東京, NUMBERS 12345.",
    "A masked <mask> word and [MASK] tokens, <s> and </s> and <|endoftext|> in text.",
    "unseen zebra xylophone quokka",
    "",
]
PAIRS = [("Hello world!", "The world is small."), ("First sentence.", "Second one, with <mask>.")]


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)


def bert_folders(out):
    trainer = BertWordPieceTokenizer(lowercase=True)
    trainer.train_from_iterator(TRAINING, vocab_size=200, min_frequency=1,
                                special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    folders = {}
    for name, config in [("bert-uncased", {"do_lower_case": True}), ("bert-cased", {"do_lower_case": False}),
                         ("bert-bare", None)]:
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        trainer.save_model(folder)  # vocab.txt
        write_json(os.path.join(folder, "config.json"), {"model_type": "bert", "architectures": ["BertForMaskedLM"]})
        if config is not None:
            write_json(os.path.join(folder, "tokenizer_config.json"), dict(config, tokenizer_class="BertTokenizer"))
        folders[name] = folder
    return folders


def bpe_folders(out):
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(TRAINING, vocab_size=400, min_frequency=1,
                                special_tokens=["<s>", "<pad>", "</s>", "<unk>"])
    folders = {}
    roberta = os.path.join(out, "roberta")
    os.makedirs(roberta, exist_ok=True)
    trainer.add_special_tokens(["<mask>"])
    trainer.save_model(roberta)  # vocab.json + merges.txt
    vocab = json.load(open(os.path.join(roberta, "vocab.json"), encoding="utf-8"))
    vocab.setdefault("<mask>", len(vocab))
    write_json(os.path.join(roberta, "vocab.json"), vocab)
    # As roberta-base is published: config.json, vocab.json, merges.txt and no tokenizer_config.json.
    write_json(os.path.join(roberta, "config.json"), {"model_type": "roberta", "architectures": ["RobertaForMaskedLM"], "pad_token_id": 1})
    folders["roberta"] = roberta

    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(TRAINING, vocab_size=400, min_frequency=1, special_tokens=["<|endoftext|>"])
    gpt2 = os.path.join(out, "gpt2")
    os.makedirs(gpt2, exist_ok=True)
    trainer.save_model(gpt2)
    # GPT-2 publishes <|endoftext|> as the last id.
    vocab = json.load(open(os.path.join(gpt2, "vocab.json"), encoding="utf-8"))
    del vocab["<|endoftext|>"]
    vocab = {k: i for i, k in enumerate(sorted(vocab, key=vocab.get))}
    vocab["<|endoftext|>"] = len(vocab)
    write_json(os.path.join(gpt2, "vocab.json"), vocab)
    write_json(os.path.join(gpt2, "config.json"), {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]})
    write_json(os.path.join(gpt2, "tokenizer_config.json"), {"tokenizer_class": "GPT2Tokenizer", "model_max_length": 1024})
    folders["gpt2"] = gpt2
    return folders


def main(out):
    os.makedirs(out, exist_ok=True)
    folders = dict(bert_folders(out))
    folders.update(bpe_folders(out))
    expected = {}
    tags = []
    for name, folder in list(folders.items()):
        tokenizer = AutoTokenizer.from_pretrained(folder)
        # The same tokenizer as transformers saves it today: tokenizer.json beside the config.
        saved = os.path.join(out, name + "-saved")
        tokenizer.save_pretrained(saved)
        tags += [(name, folder), (name + "-saved", saved)]
    # roberta-base's published tokenizer.json marks <mask> lstrip: it takes the space before it.
    lstrip = os.path.join(out, "roberta-lstrip-saved")
    os.makedirs(lstrip, exist_ok=True)
    for f in os.listdir(os.path.join(out, "roberta-saved")):
        with open(os.path.join(out, "roberta-saved", f), encoding="utf-8") as src:
            content = json.load(src)
        if f == "tokenizer.json":
            for token in content["added_tokens"]:
                if token["content"] == "<mask>":
                    token["lstrip"] = True
        write_json(os.path.join(lstrip, f), content)
    tags.append(("roberta-lstrip-saved", lstrip))
    for tag, path in tags:
        t = AutoTokenizer.from_pretrained(path)
        result = {"vocab_size": len(t), "single": [], "pairs": []}
        for s in SENTENCES:
            result["single"].append({"text": s, "ids": t(s)["input_ids"]})
        for a, b in PAIRS:
            e = t(a, b, return_token_type_ids=True)
            result["pairs"].append({"a": a, "b": b, "ids": e["input_ids"], "type_ids": e["token_type_ids"]})
        result["special"] = {k: t.convert_tokens_to_ids(v) for k, v in t.special_tokens_map.items() if isinstance(v, str)}
        expected[tag] = result
    write_json(os.path.join(out, "expected.json"), expected)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_tokenizer_folders.py OUTPUT_FOLDER")
    main(sys.argv[1])
