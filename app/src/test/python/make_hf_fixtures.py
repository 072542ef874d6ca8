"""Makes the tiny Hugging Face checkpoints the import tests read (issue 11).

Each model is built and saved by transformers itself: save_pretrained (model.safetensors,
config.json, tokenizer files) and torch.save(model.state_dict(), "pytorch_model.bin"), the
zip-and-pickle form older checkpoints are published in. reference.json holds fixed inputs with
padding and transformers' logits for them, so the Java tests compare offline.

    python3 make_hf_fixtures.py OUTPUT_DIR   (default: ../resources/hf-fixtures next to this script)
"""
import json
import os
import sys

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, trainers, decoders, processors
from transformers import (BertConfig, BertForPreTraining, BertTokenizer, GPT2Config, GPT2LMHeadModel,
                          GPT2Tokenizer, RobertaConfig, RobertaForMaskedLM, RobertaTokenizer)

HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 16, 2, 2, 32, 64
TEXT = [
    "the cat sat on the mat .", "a dog ran in the park .", "the committee will vote on the report today .",
    "we would like to thank the commissioner for his answer .", "the weather is fine and the sun is shining .",
    "members of parliament discussed the budget for the next year .", "i have a question about the rules .",
]
WORDS = sorted({w for line in TEXT for w in line.split()})


def bert(out):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab = specials + WORDS + [c for c in letters if c not in WORDS] + ["##" + c for c in letters]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab=os.path.join(out, "vocab.txt"), do_lower_case=True)
    config = BertConfig(vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                        intermediate_size=FFN, max_position_embeddings=POSITIONS, type_vocab_size=2,
                        hidden_act="gelu", layer_norm_eps=1e-12, pad_token_id=0)
    model = BertForPreTraining(config).eval()
    randomize(model)
    enc = tok(["the cat sat on the mat .", "i have a question"], ["a dog ran .", "the rules"], padding=True,
              return_tensors="pt")
    with torch.no_grad():
        result = model(**enc)
    save(out, model, tok, enc, {"logits": result.prediction_logits, "seq_relationship_logits": result.seq_relationship_logits})


def gpt2(out):
    tok = byte_level_tokenizer(["<|endoftext|>"])
    os.makedirs(out, exist_ok=True)
    vocab_file, merges_file = tok.model.save(out)
    hf = GPT2Tokenizer(vocab=vocab_file, merges=merges_file)
    config = GPT2Config(vocab_size=tok.get_vocab_size(), n_embd=HIDDEN, n_layer=LAYERS, n_head=HEADS, n_inner=FFN,
                        n_positions=POSITIONS, activation_function="gelu_new", layer_norm_epsilon=1e-5,
                        bos_token_id=hf.bos_token_id, eos_token_id=hf.eos_token_id)
    model = GPT2LMHeadModel(config).eval()
    randomize(model)
    hf.pad_token = hf.eos_token
    hf.padding_side = "right"
    enc = hf(["the cat sat on the mat.", "a dog"], padding=True, return_tensors="pt")
    with torch.no_grad():
        result = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    hf.pad_token = None
    save(out, model, hf, enc, {"logits": result.logits})
    # The tokenizer.json of the published GPT-2 (openai-community/gpt2): ByteLevel post-processor, no template.
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.save(os.path.join(out, "tokenizer.json"))


def roberta(out):
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = byte_level_tokenizer(specials)
    os.makedirs(out, exist_ok=True)
    vocab_file, merges_file = tok.model.save(out)
    hf = RobertaTokenizer(vocab=vocab_file, merges=merges_file)
    config = RobertaConfig(vocab_size=tok.get_vocab_size(), hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                           num_attention_heads=HEADS, intermediate_size=FFN, max_position_embeddings=POSITIONS + 2,
                           type_vocab_size=1, hidden_act="gelu", layer_norm_eps=1e-5, pad_token_id=hf.pad_token_id,
                           bos_token_id=hf.bos_token_id, eos_token_id=hf.eos_token_id)
    model = RobertaForMaskedLM(config).eval()
    randomize(model)
    enc = hf(["the cat sat on the <mask>.", "a dog"], padding=True, return_tensors="pt")
    enc.pop("token_type_ids", None)
    with torch.no_grad():
        result = model(**enc)
    save(out, model, hf, enc, {"logits": result.logits})


def byte_level_tokenizer(specials):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(TEXT, trainer=trainer)
    return tok


def randomize(model):
    """Random values everywhere (LayerNorm and biases too), so that a swapped or dropped tensor shows in the logits."""
    g = torch.Generator().manual_seed(11)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.3 if p.dim() > 1 else 0.1) + (1.0 if "LayerNorm.weight" in name
                    or name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight") else 0.0))


def rounded(values):
    return [rounded(v) for v in values] if isinstance(values, list) else round(values, 6)


def save(out, model, tokenizer, enc, outputs):
    model.save_pretrained(out)  # model.safetensors and config.json
    tokenizer.save_pretrained(out)
    torch.save(model.state_dict(), os.path.join(out, "pytorch_model.bin"))
    reference = {k: v.tolist() for k, v in enc.items()}
    # Six decimals keep the file small and are far below the tests' 1e-4 tolerance.
    reference.update({k: rounded(v.double().tolist()) for k, v in outputs.items()})
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "hf-fixtures")
    torch.manual_seed(0)
    bert(os.path.join(root, "bert"))
    gpt2(os.path.join(root, "gpt2"))
    roberta(os.path.join(root, "roberta"))
