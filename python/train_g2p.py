#!/usr/bin/python3
"""Trains a G2P model (letters → ARPAbet phonemes) with the PyTorch twin, data-parallel with torch
DDP on N processes (gloo on CPU, nccl on GPUs), checkpointing in gated's format and resuming:

    pnpm bench:export-g2p --out g2p.tsv
    OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node 2 --redirects 1 --tee 1 \\
      python/train_g2p.py --data g2p.tsv --out runs/g2p --steps 300
    pnpm bench predict --model runs/g2p/model < words.txt

`--out DIR` gets `DIR/model` (config.json + weights.safetensors: what gated serves, in Node or
in the demo) and `DIR/training` (the same plus Adam's moments and the step: what a rerun of the
same command resumes from). Every process takes its own slice of each global batch of
`batch-size × N` examples; the order is fixed by the seed, so a resumed run sees the data an
uninterrupted one would. (`--redirects 1 --tee 1`: Debian's torch 1.13 on Python 3.11 cannot
parse torchrun's own default for them; see python/README.md.)
"""
import base64
import argparse
import math
import os
import random
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gated_torch import (Seq2Seq, greedy_decode, load_training, make_training_batch,  # noqa: E402
                         masked_cross_entropy, model_files, read_checkpoint, restore_adam,
                         training_files, write_checkpoint)
from gated_torch.vocab import BOS_ID, EOS_ID, PAD_ID, Vocab, characters, symbols  # noqa: E402


def parse_arguments(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="TSV of split<TAB>word<TAB>phonemes (pnpm bench:export-g2p)")
    p.add_argument("--out", required=True, help="run folder: model/ and training/ checkpoints")
    p.add_argument("--steps", type=int, default=300, help="total optimizer steps (default 300)")
    p.add_argument("--batch-size", type=int, default=32, help="examples per process per step (default 32)")
    p.add_argument("--lr", type=float, default=3e-3, help="Adam's learning rate (default 3e-3)")
    p.add_argument("--clip-norm", type=float, default=5.0, help="global gradient norm clip (default 5)")
    p.add_argument("--save-every", type=int, default=100, help="checkpoint every N steps (default 100)")
    p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--attention", default="bahdanau",
                   choices=["none", "bahdanau", "luong-dot", "luong-general", "luong-concat"])
    p.add_argument("--embedding-size", type=int, default=32)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--dropout", type=float, default=0.0,
                   help="dropout on embeddings and between layers, as gated's config (default 0)")
    p.add_argument("--warmup-steps", type=int, default=0,
                   help="with --min-factor: gated's warmup-cosine schedule over --steps (default 0: constant rate)")
    p.add_argument("--min-factor", type=float, default=None,
                   help="the cosine's floor as a fraction of --lr; omit for a constant rate")
    p.add_argument("--bucket", action="store_true",
                   help="batches of similar lengths (less padding; about 1.3× the steps per second on CMUdict)")
    p.add_argument("--snapshots-from", type=int, default=None, metavar="STEP",
                   help="also keep the model of every save from STEP on in DIR/snapshots/step-N, for "
                        "average_checkpoints.py (default: none kept)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    for name in ("steps", "batch_size", "save_every", "embedding_size", "hidden_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(args, name)}")
    if not 0 <= args.dropout < 1:
        p.error(f"--dropout must be in [0, 1), got {args.dropout}")
    if args.snapshots_from is not None and args.snapshots_from < 0:
        p.error(f"--snapshots-from must be 0 or more, got {args.snapshots_from}")
    if args.warmup_steps < 0:
        p.error(f"--warmup-steps must be 0 or more, got {args.warmup_steps}")
    if args.min_factor is not None and not 0 <= args.min_factor <= 1:
        p.error(f"--min-factor must be in [0, 1], got {args.min_factor}")
    if args.warmup_steps and args.min_factor is None:
        p.error(f"--warmup-steps {args.warmup_steps} needs --min-factor (the schedule's floor); without it the rate is constant")
    return args


def learning_rate(args, step):
    """The rate of optimizer step `step` (0-based): gated's `warmup-cosine` (schedule.ts) when
    --min-factor is given, linear warm-up then cosine decay to min-factor × --lr at --steps
    (Loshchilov & Hutter 2017, no restarts); else --lr throughout."""
    if args.min_factor is None:
        return args.lr
    if step < args.warmup_steps:
        return args.lr * (step + 1) / args.warmup_steps
    progress = min(1.0, (step - args.warmup_steps) / max(1, args.steps - args.warmup_steps))
    return args.lr * (args.min_factor + (1 - args.min_factor) * (1 + math.cos(math.pi * progress)) / 2)


def read_tsv(path):
    """{split: [(letters, phonemes)]} from the bench's export."""
    splits = {"train": [], "dev": [], "test": []}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[0] not in splits:
                raise SystemExit(f"{path}:{number}: expected split<TAB>word<TAB>phonemes, got {line!r:.80}")
            splits[fields[0]].append((characters(fields[1]), symbols(fields[2])))
    return splits


def global_batch(count, step, size, seed, lengths=None):
    """Indices of global batch `step`: epochs of a seeded shuffle, cut into batches of `size`.
    With `lengths` (one per example), batches are bucketed by length, as gated's `bucketByLength`
    does: each pool of 50 batches' worth of the shuffled examples is sorted by length and cut into
    batches, and the epoch's batches are shuffled, so a batch pads little and the order stays a
    function of (seed, epoch): a resumed run sees what an uninterrupted one would."""
    per_epoch = count // size
    epoch, within = divmod(step, per_epoch)
    order = list(range(count))
    rng = random.Random(seed * 1_000_003 + epoch)
    rng.shuffle(order)
    if lengths is None:
        return order[within * size:(within + 1) * size]
    used = order[:per_epoch * size]
    pool = 50 * size
    batches = []
    for start in range(0, len(used), pool):
        chunk = sorted(used[start:start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[k:k + size] for k in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches[within]


def rng_states(device, distributed, world):
    """Every process's state of the generator that draws dropout's masks (the device's), base64,
    in rank order: saved with the training checkpoint so that a resumed run draws the masks an
    uninterrupted one would."""
    state = torch.cuda.get_rng_state(device) if device.type == "cuda" else torch.get_rng_state()
    mine = base64.b64encode(state.numpy().tobytes()).decode("ascii")
    if not distributed:
        return [mine]
    states = [None] * world
    dist.all_gather_object(states, mine)
    return states


def restore_rng(record, device, rank, world, log):
    """Sets this process's generator from a checkpoint's `torchRngStates`, where it has them for
    this many processes; else says that the masks will differ from an uninterrupted run's."""
    states = record.get("torchRngStates")
    if not isinstance(states, list) or len(states) != world:
        log("note: the checkpoint holds no random state for this many processes; dropout's masks "
            "will differ from an uninterrupted run's (the batches do not)")
        # Still repeatable: resuming this checkpoint again draws the same masks.
        seed = record["options"].get("seed", 1) if isinstance(record.get("options"), dict) else 1
        torch.manual_seed(seed * 1_000_003 + record["step"] * world + rank)
        return
    state = torch.frombuffer(bytearray(base64.b64decode(states[rank])), dtype=torch.uint8)
    if device.type == "cuda":
        torch.cuda.set_rng_state(state, device)
    else:
        torch.set_rng_state(state)


def main(argv):
    args = parse_arguments(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    cuda = torch.cuda.is_available()
    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)  # NCCL's collectives (the random states' gather) use it
    log = print if rank == 0 else (lambda *a, **k: None)

    data = read_tsv(args.data)
    model_dir, training_dir = os.path.join(args.out, "model"), os.path.join(args.out, "training")
    start, seconds = 0, 0.0
    if os.path.isdir(training_dir):
        model, moments, record, extra = load_training(read_checkpoint(training_dir))
        start, seconds = record["step"], record.get("trainingSeconds", 0.0)
        log(f"resumed at step {start} from {training_dir}")
        saved = record.get("options", {})
        for key in ("cell", "attention", "embedding_size", "hidden_size", "dropout", "batch_size", "seed",
                    "bucket"):
            if key in saved and saved[key] != getattr(args, key):
                log(f"note: --{key.replace('_', '-')} {getattr(args, key)} ignored; the run continues with {saved[key]}")
                setattr(args, key, saved[key])
        if record.get("worldSize", world) != world:
            log(f"note: saved with {record['worldSize']} processes, resumed with {world}: the data order changes")
    else:
        source_vocab = Vocab.build(s for s, _ in data["train"])
        target_vocab = Vocab.build(t for _, t in data["train"])
        torch.manual_seed(args.seed)  # the same initial weights in every process
        model = Seq2Seq({
            "sourceVocabSize": len(source_vocab), "targetVocabSize": len(target_vocab),
            "bosId": BOS_ID, "eosId": EOS_ID, "padId": PAD_ID, "cell": args.cell,
            "embeddingSize": args.embedding_size, "hiddenSize": args.hidden_size,
            "attention": args.attention, "dropout": args.dropout, "seed": args.seed,
        })
        moments = None
        extra = {"task": "g2p", "sourceTokenizer": "characters", "targetTokenizer": "symbols",
                 "sourceVocab": source_vocab.to_json(), "targetVocab": target_vocab.to_json()}
    source_vocab, target_vocab = Vocab.from_json(extra["sourceVocab"]), Vocab.from_json(extra["targetVocab"])
    train = [(source_vocab.encode(s), target_vocab.encode(t)) for s, t in data["train"]]
    lengths = [len(s) + len(t) for s, t in train]
    if len(train) < args.batch_size * world:
        raise SystemExit(f"{args.data}: {len(train)} training pairs, fewer than one global batch "
                         f"({args.batch_size} × {world} processes)")
    model.to(device)
    ddp = DistributedDataParallel(model) if distributed else model
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    if moments is not None:
        restore_adam(model, optimizer, moments, start)
        restore_rng(record, device, rank, world, log)

    def save(step, elapsed):
        states = rng_states(device, distributed, world)  # every process takes part in the gather
        if rank == 0:
            meta = {**extra, "trainedSteps": step, "trainingSeconds": round(elapsed, 1)}
            record = {"step": step, "trainingSeconds": elapsed, "worldSize": world, "options": vars(args),
                      "torchRngStates": states}
            # The snapshot first: a run stopped after the training checkpoint would resume past it.
            if args.snapshots_from is not None and step >= args.snapshots_from:
                write_checkpoint(os.path.join(args.out, "snapshots", f"step-{step}"), model_files(model, meta))
            write_checkpoint(training_dir, training_files(model, optimizer, record, meta))
            write_checkpoint(model_dir, model_files(model, meta))
        if distributed:
            dist.barrier()

    log(f"{world} process(es) on {device}, {len(train)} training pairs, "
        f"{sum(p.numel() for p in model.parameters())} parameters, steps {start}..{args.steps}")
    began = time.time()
    model.train()
    for step in range(start, args.steps):
        indices = global_batch(len(train), step, args.batch_size * world, args.seed,
                               lengths if args.bucket else None)
        mine = [train[i] for i in indices[rank * args.batch_size:(rank + 1) * args.batch_size]]
        batch, target_input, target_output, target_mask = make_training_batch(model.config, mine)
        batch = batch.to(device)
        logits = ddp(batch.source, batch.lengths, batch.mask, target_input.to(device))
        loss = masked_cross_entropy(logits, target_output.to(device), target_mask.to(device))
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(args, step)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # DDP averages the gradients of all processes here
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_norm)
        optimizer.step()
        done = step + 1
        if done % 20 == 0 or done == args.steps:
            log(f"step {done}: loss {loss.item():.4f} (rank 0's batch), lr {learning_rate(args, step):.2e}, "
                f"{time.time() - began:.1f} s")
        if done % args.save_every == 0 or done == args.steps:
            save(done, seconds + time.time() - began)
    if rank == 0 and data["dev"]:
        words = data["dev"][:200]
        hyps = greedy_decode(model, [source_vocab.encode(s) for s, _ in words])
        right = sum(target_vocab.decode(h["tokens"]) == t for h, (_, t) in zip(hyps, words))
        log(f"dev exact match on {len(words)} pairs: {right / len(words):.3f}")
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
