#!/usr/bin/env python3
"""Hugging Face BertForPreTraining trained on the exact batches pretrain4j trains on.

The reference side of the README's comparison: `pretrain4j dump-batches` writes the batches a `train`
run reads (masks and NSP pairs included), the tokenizer and the recipe (sizes, AdamW, schedule); this
script trains transformers' BERT on them with the same recipe and prints held-out
masked_lm_accuracy and next_sentence_accuracy at the given steps, one JSON object per line.

    java -jar app/target/pretrain4j.jar dump-batches [train options] --output DUMP
    python3 bench/hf_bert_reference.py DUMP --eval-at 1000,2000,3000 [--held-out OTHER_DUMP/held-out.bin]

Same math as pretrain4j: the MLM head (transform + tied decoder) applied only to the masked
positions (model.cls.predictions(hidden[masked])), each loss the mean over its targets and the total
their sum, AdamW with decoupled decay skipping biases and LayerNorm, global-norm clipping, the warm-up
and decay of pretrain4j's LearningRateSchedule (the first update at rate 0).
"""
import argparse
import json
import math
import struct
import sys
import time

import numpy as np
import torch
from transformers import BertConfig, BertForPreTraining

MAGIC = b"P4JBATCH"


def read_batches(path):
    """Yields each batch of a dump file as a dict of name -> int64 tensor."""
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise SystemExit(f"{path}: not a pretrain4j batch dump (no {MAGIC!r} header)")
        while True:
            (count,) = struct.unpack("<i", f.read(4))
            if count == 0:
                return
            batch = {}
            for _ in range(count):
                (length,) = struct.unpack("<h", f.read(2))
                name = f.read(length).decode("utf-8")
                (rank,) = struct.unpack("<i", f.read(4))
                shape = struct.unpack(f"<{rank}q", f.read(8 * rank))
                n = int(np.prod(shape)) if rank else 1
                values = np.frombuffer(f.read(4 * n), dtype="<i4").reshape(shape)
                batch[name] = torch.from_numpy(values.astype(np.int64))
            yield batch


def schedule(recipe):
    peak, warmup, total = recipe["learning_rate"], recipe["warmup_steps"], recipe["steps"]
    kind = recipe["schedule"]

    def factor(completed):  # pretrain4j's LearningRateSchedule.at, over the peak
        if completed < warmup:
            return completed / warmup
        if kind == "constant":
            return 1.0
        progress = (completed - warmup) / max(1, total - warmup)
        if kind == "linear":
            return max(0.0, 1.0 - progress)
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))

    return factor


class Reference:
    def __init__(self, recipe):
        self.objectives = recipe["objective"].split("+")
        unknown = set(self.objectives) - {"mlm", "nsp"}
        if unknown:
            raise SystemExit(f"objective {recipe['objective']}: this reference knows mlm and nsp only")
        config = BertConfig(
            vocab_size=recipe["vocab_size"], hidden_size=recipe["hidden"], num_hidden_layers=recipe["layers"],
            num_attention_heads=recipe["heads"], intermediate_size=recipe["ffn"], hidden_act="gelu",
            hidden_dropout_prob=recipe["hidden_dropout"], attention_probs_dropout_prob=recipe["attention_dropout"],
            max_position_embeddings=recipe["max_positions"], type_vocab_size=recipe["type_vocab_size"],
            initializer_range=recipe["initializer_range"], layer_norm_eps=recipe["layer_norm_eps"],
            pad_token_id=recipe["pad_token_id"])
        self.model = BertForPreTraining(config)

    def forward(self, batch):
        """(loss, {term: (loss_sum, correct, count)}) of one batch."""
        out = self.model.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                              token_type_ids=batch["token_type_ids"])
        hidden, pooled = out[0], out[1]
        terms = {}
        loss = 0.0
        if "mlm" in self.objectives:
            flat = hidden.reshape(-1, hidden.shape[-1])
            logits = self.model.cls.predictions(flat[batch["masked_positions"]])
            labels = batch["masked_labels"]
            loss_sum = torch.nn.functional.cross_entropy(logits, labels, reduction="sum")
            count = labels.numel()
            loss = loss + loss_sum / count
            terms["masked_lm"] = (loss_sum.item(), (logits.argmax(-1) == labels).sum().item(), count)
        if "nsp" in self.objectives:
            logits = self.model.cls.seq_relationship(pooled)
            labels = batch["next_sentence_labels"]
            loss_sum = torch.nn.functional.cross_entropy(logits, labels, reduction="sum")
            count = labels.numel()
            loss = loss + loss_sum / count
            terms["next_sentence"] = (loss_sum.item(), (logits.argmax(-1) == labels).sum().item(), count)
        return loss, terms

    def evaluate(self, batches):
        self.model.eval()
        sums = {}
        with torch.no_grad():
            for batch in batches:
                _, terms = self.forward(batch)
                for term, values in terms.items():
                    sums[term] = [a + b for a, b in zip(sums.get(term, [0.0, 0, 0]), values)]
        self.model.train()
        metrics = {}
        for term, (loss_sum, correct, count) in sums.items():
            metrics[f"{term}_loss"] = loss_sum / count
            metrics[f"{term}_accuracy"] = correct / count
        return metrics


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", help="folder written by 'pretrain4j dump-batches'")
    parser.add_argument("--eval-at", default="1000,2000,3000", help="steps to evaluate at (comma-separated)")
    parser.add_argument("--held-out", action="append", default=[],
                        help="more held-out dump files to score (e.g. the held-out.bin of a dump at masking rate 0.15)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=100)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    with open(f"{args.dump}/recipe.json") as f:
        recipe = json.load(f)
    torch.manual_seed(recipe["seed"])
    reference = Reference(recipe)
    model = reference.model
    model.train()

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(p)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": recipe["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=recipe["learning_rate"], betas=(recipe["beta1"], recipe["beta2"]), eps=recipe["epsilon"])
    lr_factor = schedule(recipe)

    held_out = {"held-out": list(read_batches(f"{args.dump}/held-out.bin"))}
    for path in args.held_out:
        held_out[path] = list(read_batches(path))
    eval_at = {int(s) for s in args.eval_at.split(",") if s}

    step, started, tokens = 0, time.time(), 0
    for batch in read_batches(f"{args.dump}/train.bin"):
        for group in optimizer.param_groups:
            group["lr"] = recipe["learning_rate"] * lr_factor(step)
        loss, _ = reference.forward(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if recipe["clip_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), recipe["clip_norm"])
        optimizer.step()
        step += 1
        tokens += int(batch["attention_mask"].sum())
        if step % args.log_every == 0:
            elapsed = time.time() - started
            print(f"step {step} loss {loss.item():.4f} {tokens / elapsed:,.0f} tokens/s", file=sys.stderr, flush=True)
        if step in eval_at:
            for name, batches in held_out.items():
                record = {"step": step, "held_out": name, "seconds": round(time.time() - started, 1)}
                record.update(reference.evaluate(batches))
                print(json.dumps(record), flush=True)
    if step < recipe["steps"]:
        print(f"the dump holds {step} training batches, fewer than the recipe's {recipe['steps']} steps", file=sys.stderr)


if __name__ == "__main__":
    main()
