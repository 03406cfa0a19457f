#!/usr/bin/python3
"""Train the project's synth-* models from scratch on CPU, export them to ONNX, and write specs and goldens.

Run through scripts/train-models (which installs PyTorch from Debian when missing). Reads the synthetic data
written by `scripts/pipeline synth` (docs/SYNTH.md), writes conf/models/synth-* (docs/MODEL-SPEC.md).
"""

import argparse
import os
import sys
import time

# Before torch loads OpenMP: spinning waits slowed training about 10x on cores shared with other processes.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OMP_NUM_THREADS", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from train import common  # noqa: E402
from train.common import log  # noqa: E402

TASKS = ("classifier", "detector", "segmenter")

# Data: one training set for all three models, a different seed for the held-out set.
TRAIN_DATA_SEED = 7919
HELDOUT_DATA_SEED = 1  # the generator's default seed, so default synth sets (e.g. the demo's) are held out
TRAIN_IMAGES = 6000
HELDOUT_IMAGES = 1000
TRAIN_SEED = 2018  # torch / numpy seed of the training runs


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="scripts/train-models",
        description="Train, export and record goldens of the synth-* models (conf/models/).",
    )
    p.add_argument("task", nargs="?", default="all", choices=TASKS + ("all",))
    p.add_argument("--work-dir", default=os.path.join(common.REPO, "target", "train-models"),
                   help="generated data and scratch files (default: target/train-models)")
    p.add_argument("--train-data-seed", type=int, default=TRAIN_DATA_SEED)
    p.add_argument("--heldout-data-seed", type=int, default=HELDOUT_DATA_SEED)
    p.add_argument("--train-images", type=int, default=TRAIN_IMAGES)
    p.add_argument("--heldout-images", type=int, default=HELDOUT_IMAGES)
    p.add_argument("--train-seed", type=int, default=TRAIN_SEED)
    p.add_argument("--reuse-checkpoints", action="store_true",
                   help="skip training when <work-dir>/checkpoints/<model>.pt exists: only export, specs, goldens")
    p.add_argument("--cls-images", type=int, default=6000, help="classifier: training images used")
    p.add_argument("--cls-epochs", type=int, default=14)
    p.add_argument("--cls-lr", type=float, default=3e-3)
    p.add_argument("--cls-batch", type=int, default=64)
    p.add_argument("--cls-eval-every", type=int, default=0, help="classifier: held-out top-1 every N epochs")
    p.add_argument("--det-images", type=int, default=6000, help="detector: training images used")
    p.add_argument("--det-epochs", type=int, default=8)
    p.add_argument("--det-lr", type=float, default=3e-3)
    p.add_argument("--det-eval-every", type=int, default=0, help="detector: AP on a held-out subset every N epochs")
    p.add_argument("--det-eval-images", type=int, default=200)
    p.add_argument("--seg-images", type=int, default=6000, help="segmenter: training images used")
    p.add_argument("--seg-epochs", type=int, default=10)
    p.add_argument("--seg-lr", type=float, default=3e-3)
    p.add_argument("--seg-eval-every", type=int, default=0, help="segmenter: mIoU on a held-out subset every N epochs")
    args = p.parse_args(argv)
    if args.train_data_seed == args.heldout_data_seed:
        p.error("--train-data-seed and --heldout-data-seed must differ (the held-out set must be unseen)")
    return args


def main(argv):
    args = parse_args(argv)
    tasks = TASKS if args.task == "all" else (args.task,)
    os.makedirs(args.work_dir, exist_ok=True)
    os.makedirs(common.MODELS_DIR, exist_ok=True)
    train_set = common.synth_set(args.work_dir, args.train_data_seed, args.train_images)
    val_set = common.synth_set(args.work_dir, args.heldout_data_seed, args.heldout_images)
    for task in tasks:
        t0 = time.time()
        log(f"=== {task} ===")
        if task == "classifier":
            from train import classifier as module
        elif task == "detector":
            from train import detector as module
        else:
            from train import segmenter as module
        module.run(args, train_set, val_set)
        log(f"=== {task} done in {time.time() - t0:.0f} s ===")


if __name__ == "__main__":
    main(sys.argv[1:])
