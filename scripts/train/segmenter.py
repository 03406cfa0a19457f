"""synth-deeplabv3: DeepLabV3 on a MobileNetV2 backbone, output stride 16, the MobileNetV2 paper's light head.

Backbone: torchvision mobilenet_v2 features up to the last inverted-residual block (320 channels x width), the
stride-32 stage made stride 1 and dilated (rate 2 after its first block), as TensorFlow DeepLab's mobilenet_v2
feature extractor with output_stride 16. Head (no atrous / ASPP branches): a 1x1 conv branch and an image-pooling
branch, concatenated, 1x1 conv, classifier; bilinear upsampling to the input size in the graph.
"""

import hashlib
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn
from torchvision.models import mobilenet_v2
from torchvision.ops.misc import Conv2dNormActivation

from . import classifier, common
from .common import log

NAME = "synth-deeplabv3"
SIZE = 256
WIDTH_MULT = 0.5
HEAD_CHANNELS = 128
BATCH = 16
FROZEN_BLOCKS = 4  # as the detector: stem to stride 4 keep the classifier's weights and BatchNorm statistics
NUM_CLASSES = len(common.CLASS_NAMES) + 1  # 0 background, 1..6 as SYNTH.md
IGNORE = 255
SEG_NAMES = ["background"] + common.CLASS_NAMES


class DeepLabV3MobileNetV2(nn.Module):
    def __init__(self, features_state=None, head_channels=HEAD_CHANNELS, num_classes=NUM_CLASSES):
        super().__init__()
        features = mobilenet_v2(width_mult=WIDTH_MULT).features
        if features_state is not None:
            features.load_state_dict(features_state)
        features = features[:-1]  # drop the 1280 conv: end at 320 x width
        # Output stride 16: the stride-32 stage (features[14..17]) keeps stride 16; after its first block, rate 2.
        first = features[14].conv[1][0]
        first.stride = (1, 1)
        for block in features[15:]:
            dw = block.conv[1][0]
            dw.dilation, dw.padding = (2, 2), (2, 2)
        self.backbone = features
        in_channels = features[-1].out_channels
        bn_relu = {"norm_layer": nn.BatchNorm2d, "activation_layer": nn.ReLU}
        self.branch = Conv2dNormActivation(in_channels, head_channels, 1, **bn_relu)
        self.pool = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), Conv2dNormActivation(in_channels, head_channels, 1, **bn_relu)
        )
        self.project = Conv2dNormActivation(2 * head_channels, head_channels, 1, **bn_relu)
        self.classifier = nn.Conv2d(head_channels, num_classes, 1)

    def forward(self, x):
        f = self.backbone(x)
        a = self.branch(f)
        p = self.pool(f).expand_as(a)  # the image-pooling branch, broadcast back to the feature map
        y = self.classifier(self.project(torch.cat([a, p], 1)))
        return F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)


def nearest_index(out_size, in_size):
    """src = floor(dst * in / out) in exact integer arithmetic (the spec's `to_original: argmax-nearest`)."""
    return (np.arange(out_size, dtype=np.int64) * in_size) // out_size


def to_original(labels_net, width, height):
    """Network-resolution label map [h, w] -> original [height, width] by nearest with exact integer indices."""
    rows = nearest_index(height, labels_net.shape[0])
    cols = nearest_index(width, labels_net.shape[1])
    return labels_net[rows[:, None], cols[None, :]]


def load_mask(path):
    with Image.open(path) as im:
        if im.mode != "P":
            raise SystemExit(f"Cannot read {path}: expected a palette PNG, got mode {im.mode}")
        return np.asarray(im, dtype=np.uint8)


def augment(images, masks, gen):
    """Random horizontal / vertical flips (geometry only; colour is the class)."""
    n = images.shape[0]
    fh = (torch.rand(n, generator=gen) < 0.5).view(n, 1, 1)
    fv = (torch.rand(n, generator=gen) < 0.5).view(n, 1, 1)
    images = torch.where(fh.unsqueeze(-1), images.flip(2), images)
    masks = torch.where(fh, masks.flip(2), masks)
    images = torch.where(fv.unsqueeze(-1), images.flip(1), images)
    masks = torch.where(fv, masks.flip(1), masks)
    return images, masks


def predict_labels(model, images_uint8, batch=32):
    model.eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(images_uint8), batch):
            x = common.normalize(images_uint8[s : s + batch]).contiguous(memory_format=torch.channels_last)
            out.append(model(x).argmax(1).to(torch.uint8))
    return torch.cat(out).numpy()


def evaluate(model, images_uint8, synth, limit=None):
    """VOC mIoU at the original resolution: one confusion matrix over the set, 255 ignored."""
    n = len(images_uint8) if limit is None else min(limit, len(images_uint8))
    labels = predict_labels(model, images_uint8[:n])
    confusion = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    for i in range(n):
        gt = load_mask(synth.mask_path(i))
        pred = to_original(labels[i], gt.shape[1], gt.shape[0])
        valid = gt != IGNORE
        confusion += np.bincount(
            gt[valid].astype(np.int64) * NUM_CLASSES + pred[valid], minlength=NUM_CLASSES**2
        ).reshape(NUM_CLASSES, NUM_CLASSES)
    tp = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - tp
    present = (confusion.sum(0) + confusion.sum(1)) > 0
    iou = np.where(union > 0, tp / np.maximum(union, 1), np.nan)
    return {
        "mIoU": float(np.nanmean(np.where(present, iou, np.nan))),
        "pixel_accuracy": float(tp.sum() / confusion.sum()),
        "per_class_IoU": {SEG_NAMES[c]: (None if np.isnan(iou[c]) else round(float(iou[c]), 5)) for c in range(7)},
    }


def run(args, train_set, val_set):
    model, record = common.train_or_load(args, NAME, DeepLabV3MobileNetV2, lambda: train(args, train_set, val_set))
    export(model, val_set, record)


def train(args, train_set, val_set):
    common.setup_torch(args.train_seed)
    n_train = min(args.seg_images, len(train_set))
    t0 = time.time()
    x_train = torch.from_numpy(common.load_many([train_set.image_path(i) for i in range(n_train)], SIZE, SIZE))
    m_train = torch.from_numpy(common.load_masks_resized([train_set.mask_path(i) for i in range(n_train)], SIZE))
    x_val = torch.from_numpy(common.load_many([val_set.image_path(i) for i in range(len(val_set))], SIZE, SIZE))
    log(f"segmenter: loaded {n_train} training and {len(val_set)} held-out images in {time.time() - t0:.0f} s")

    init_state, init_about = classifier.backbone_init(args, train_set, val_set)
    common.setup_torch(args.train_seed)
    model = DeepLabV3MobileNetV2(init_state).to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    frozen = model.backbone[:FROZEN_BLOCKS]
    for p in frozen.parameters():
        p.requires_grad_(False)
    steps_per_epoch = math.ceil(n_train / BATCH)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.seg_lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.seg_lr, total_steps=args.seg_epochs * steps_per_epoch, pct_start=0.15
    )
    gen = torch.Generator().manual_seed(args.train_seed)
    snapshot = common.EpochState(
        args,
        NAME,
        {
            "epochs": args.seg_epochs,
            "lr": args.seg_lr,
            "images": n_train,
            "train_seed": args.train_seed,
            "data_seed": train_set.seed,
            "size": SIZE,
            "backbone_init": init_about,
        },
    )
    log(f"segmenter: {params} parameters, {args.seg_epochs} epochs x {steps_per_epoch} steps")
    first_epoch, watch = snapshot.resume(model, optimizer, scheduler, gen)
    for epoch in range(first_epoch, args.seg_epochs):
        model.train()
        frozen.eval()
        order = torch.randperm(n_train, generator=gen)
        loss_sum, count = 0.0, 0
        for s in range(0, n_train, BATCH):
            idx = order[s : s + BATCH]
            images, masks = augment(x_train[idx], m_train[idx], gen)
            x = common.normalize(images).contiguous(memory_format=torch.channels_last)
            loss = F.cross_entropy(model(x), masks.long(), ignore_index=IGNORE)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.item()
            count += 1
            if count % 100 == 0:
                log(f"segmenter epoch {epoch + 1} step {count}/{steps_per_epoch} ({watch.wall():.0f} s)")
        log(f"segmenter epoch {epoch + 1}/{args.seg_epochs}: loss {loss_sum / count:.4f} ({watch.wall():.0f} s)")
        if args.seg_eval_every and (epoch + 1) % args.seg_eval_every == 0 and epoch + 1 < args.seg_epochs:
            log(f"segmenter epoch {epoch + 1}: mIoU {evaluate(model, x_val, val_set, 200)['mIoU']:.4f} (subset)")
        snapshot.save(epoch + 1, model, optimizer, scheduler, gen, watch)
    watch.stop()
    snapshot.clear()

    metric = evaluate(model, x_val, val_set)
    log(f"segmenter held-out: mIoU {metric['mIoU']:.4f}, pixel accuracy {metric['pixel_accuracy']:.4f}, "
        f"per class {metric['per_class_IoU']}")
    record = common.provenance(
        train_set,
        val_set,
        args.train_seed,
        args.seg_epochs,
        watch,
        {
            "train_images_used": n_train,
            "architecture": (
                f"DeepLabV3, torchvision mobilenet_v2(width_mult={WIDTH_MULT}) features[:18] with output stride "
                f"16 (features[14] depthwise stride 1, features[15..17] dilation 2); head: 1x1 conv branch + "
                f"image pooling branch ({HEAD_CHANNELS} ch each, BN, ReLU), concat, 1x1 conv {HEAD_CHANNELS}, "
                "classifier 1x1 to 7; bilinear upsampling (align_corners=False) to the input size"
            ),
            "parameters": params,
            "input": f"{SIZE}x{SIZE}",
            "backbone_init": init_about,
            "frozen": f"backbone features[:{FROZEN_BLOCKS}] (weights and BatchNorm statistics)",
            "batch": BATCH,
            "optimizer": f"AdamW lr {args.seg_lr} one-cycle, weight decay 1e-4",
            "augmentation": "random horizontal / vertical flips",
            "heldout_metric": metric,
        },
    )
    return model, record


def export(model, val_set, record):
    onnx_path = os.path.join(common.MODELS_DIR, NAME + ".onnx")
    common.export_onnx(
        model,
        torch.zeros(1, 3, SIZE, SIZE),
        onnx_path,
        ["input"],
        ["output"],
        {"input": {0: "batch"}, "output": {0: "batch"}},
    )
    write_spec(onnx_path, record)
    write_golden(model, val_set, record)


def write_spec(onnx_path, record):
    m = record["heldout_metric"]
    header = common.spec_header(
        record, f"held-out mIoU {m['mIoU']:.4f}, pixel accuracy {m['pixel_accuracy']:.4f} (PyTorch, original size)"
    )
    body = f"""name: {NAME}
task: segmentation
uri: {NAME}.onnx
sha256: {common.sha256_file(onnx_path)}
input:
  name: input
  layout: NCHW
  dtype: float32
  width: {SIZE}
  height: {SIZE}
  resize: stretch
  channels: RGB
  scale: {common.SCALE!r}
  mean: {common.yaml_list(common.MEAN)}
  std: {common.yaml_list(common.STD)}
output:
  type: logits
  name: output
  layout: NCHW
  to_original: argmax-nearest
labels:
  list: {common.yaml_list(SEG_NAMES)}
"""
    path = os.path.join(common.MODELS_DIR, NAME + ".yaml")
    common.write_text(path, header + body)
    common.check_yaml(path)


def rle(values):
    """Run-length encoding of a flat array: [value, count, value, count, ...]."""
    flat = values.reshape(-1)
    change = np.flatnonzero(np.diff(flat)) + 1
    starts = np.concatenate([[0], change])
    counts = np.diff(np.concatenate([starts, [flat.size]]))
    out = []
    for s, c in zip(starts.tolist(), counts.tolist()):
        out += [int(flat[s]), int(c)]
    return out


def golden_indices(val_set, count=3):
    """The first held-out images with at least three objects (several classes and sizes in each)."""
    per_image = {}
    for a in val_set.coco["annotations"]:
        per_image[a["image_id"]] = per_image.get(a["image_id"], 0) + 1
    return [i for i in range(len(val_set)) if per_image.get(i + 1, 0) >= 3][:count]


def write_golden(model, val_set, record):
    images = []
    for i in golden_indices(val_set):
        info, x = common.input_debug(val_set.image_path(i), SIZE, SIZE)
        with torch.no_grad():
            logits = model(x)
        net = logits[0].argmax(0).to(torch.uint8).numpy()
        mask = to_original(net, info["width"], info["height"])
        counts = np.bincount(mask.reshape(-1), minlength=NUM_CLASSES)
        images.append(
            {
                **val_set.describe(i),
                **info,
                "logits_sum": float(logits.double().sum()),
                "logits_first8": [float(v) for v in logits.flatten()[:8]],
                "network_mask_sha256": hashlib.sha256(net.tobytes()).hexdigest(),
                "mask_sha256": hashlib.sha256(mask.tobytes()).hexdigest(),
                "class_pixels": {str(c): int(counts[c]) for c in range(NUM_CLASSES) if counts[c]},
                "mask_rle": rle(mask),
            }
        )
    golden = {
        "model": NAME,
        "about": (
            "PyTorch outputs of the exported weights for fixed held-out synth images (image fields as in "
            "synth-mobilenetv2.golden.json). The mask is the spec's `to_original: argmax-nearest`: argmax over "
            "the 7 logits at the network resolution (ties: lowest class index), then nearest resize to the "
            "original width x height with src = floor(dst * in / out) in exact integer arithmetic, per axis. "
            "mask_rle: row-major runs [value, count, value, count, ...] over the height x width label bytes "
            "(counts sum to width * height); mask_sha256 / network_mask_sha256: sha256 of the raw "
            "bytes at the original / network resolution; class_pixels: pixel count per class index; "
            "logits_sum / logits_first8: sum and first 8 values of the [1, 7, H, W] float32 output."
        ),
        "input_size": [SIZE, SIZE],
        "training": record,
        "images": images,
    }
    common.write_json(os.path.join(common.MODELS_DIR, NAME + ".golden.json"), golden)
