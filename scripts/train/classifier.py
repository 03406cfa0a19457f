"""synth-mobilenetv2: torchvision MobileNetV2 (width 0.5) classifying the primary object of a synth image.

Training adds auxiliary losses that are not part of the exported model: 1x1 convs on the stride-8 and
stride-16 features predicting the synth segmentation mask (16x16 and 8x8 at 128 input). With the classification
loss alone, training learned the colours within two epochs but stayed near chance between a red disc and a red
square for eight (held-out top-1 0.86); the dense mask targets teach the shapes (0.98 after eight epochs).
"""

import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

from . import common
from .common import log

NAME = "synth-mobilenetv2"
SIZE = 128
WIDTH_MULT = 0.5
AUX_LAYERS = {6: 8, 13: 16}  # features[6] / features[13]: last blocks at stride 8 / 16 -> their stride
AUX_WEIGHT = 1.0


def build_model():
    return torchvision.models.mobilenet_v2(width_mult=WIDTH_MULT, num_classes=len(common.CLASS_NAMES))


def augment(images, masks, gen):
    """Geometry only (colour is the class): random horizontal and vertical flips of images and masks."""
    n = images.shape[0]
    fh = (torch.rand(n, generator=gen) < 0.5).view(n, 1, 1)
    fv = (torch.rand(n, generator=gen) < 0.5).view(n, 1, 1)
    images = torch.where(fh.unsqueeze(-1), images.flip(2), images)
    masks = torch.where(fh, masks.flip(2), masks)
    images = torch.where(fv.unsqueeze(-1), images.flip(1), images)
    masks = torch.where(fv, masks.flip(1), masks)
    return images, masks


def forward_with_aux(model, aux_heads, x):
    """torchvision MobileNetV2.forward, also returning the auxiliary mask logits of the AUX_LAYERS."""
    aux = {}
    for i, layer in enumerate(model.features):
        x = layer(x)
        if i in AUX_LAYERS:
            aux[i] = aux_heads[str(i)](x)
    logits = model.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
    return logits, aux


def aux_loss(aux, masks):
    """Cross-entropy of each auxiliary map against the mask label at the centre of each of its cells."""
    total = 0
    for i, logits in aux.items():
        stride = AUX_LAYERS[i]
        target = masks[:, stride // 2 :: stride, stride // 2 :: stride].long()
        total = total + F.cross_entropy(logits, target, ignore_index=255)
    return total


def predict(model, images_uint8, batch=128):
    model.eval()
    outs = []
    with torch.no_grad():
        for s in range(0, len(images_uint8), batch):
            x = common.normalize(images_uint8[s : s + batch]).contiguous(memory_format=torch.channels_last)
            outs.append(model(x))
    return torch.cat(outs)


def run(args, train_set, val_set):
    model, record = common.train_or_load(args, NAME, build_model, lambda: train(args, train_set, val_set))
    export(model, val_set, record)


def backbone_init(args, train_set, val_set):
    """The trained classifier's `features` weights (MobileNetV2 width 0.5), with which the detector and the
    segmenter start: the classifier's checkpoint from this work dir, trained first if missing."""
    path = common.checkpoint_path(args, NAME)
    if os.path.exists(path):
        state = torch.load(path)
        model_state, record = state["model"], state["record"]
    else:
        model, record = common.train_or_load(args, NAME, build_model, lambda: train(args, train_set, val_set))
        model_state = model.state_dict()
    features = {k[len("features.") :]: v for k, v in model_state.items() if k.startswith("features.")}
    about = (
        f"features of the {NAME} checkpoint trained by this script ({record['date']}, train seed "
        f"{record['train_seed']}, held-out top-1 {record['heldout_metric']['top1']})"
    )
    return features, about


def train(args, train_set, val_set):
    common.setup_torch(args.train_seed)
    n_train = min(args.cls_images, len(train_set))
    t0 = time.time()
    x_train = torch.from_numpy(common.load_many([train_set.image_path(i) for i in range(n_train)], SIZE, SIZE))
    y_train = torch.from_numpy(train_set.labels[:n_train])
    m_train = torch.from_numpy(common.load_masks_resized([train_set.mask_path(i) for i in range(n_train)], SIZE))
    x_val = torch.from_numpy(common.load_many([val_set.image_path(i) for i in range(len(val_set))], SIZE, SIZE))
    y_val = torch.from_numpy(val_set.labels)
    log(f"classifier: loaded {n_train} training and {len(val_set)} held-out images in {time.time() - t0:.0f} s")

    model = build_model().to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    aux_heads = torch.nn.ModuleDict(
        {str(i): torch.nn.Conv2d(model.features[i].out_channels, 7, 1) for i in AUX_LAYERS}
    ).to(memory_format=torch.channels_last)
    steps_per_epoch = math.ceil(n_train / args.cls_batch)
    optimizer = torch.optim.AdamW(
        list(model.parameters()) + list(aux_heads.parameters()), lr=args.cls_lr, weight_decay=1e-4
    )
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.cls_lr, total_steps=args.cls_epochs * steps_per_epoch, pct_start=0.2
    )
    gen = torch.Generator().manual_seed(args.train_seed)
    log(f"classifier: {params} parameters, {args.cls_epochs} epochs x {steps_per_epoch} steps")
    watch = common.Stopwatch()
    for epoch in range(args.cls_epochs):
        model.train()
        order = torch.randperm(n_train, generator=gen)
        total, correct, loss_sum = 0, 0, 0.0
        for s in range(0, n_train, args.cls_batch):
            idx = order[s : s + args.cls_batch]
            images, masks = augment(x_train[idx], m_train[idx], gen)
            x = common.normalize(images).contiguous(memory_format=torch.channels_last)
            y = y_train[idx]
            logits, aux = forward_with_aux(model, aux_heads, x)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05) + AUX_WEIGHT * aux_loss(aux, masks)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(1) == y).sum().item()
            total += len(idx)
        log(
            f"classifier epoch {epoch + 1}/{args.cls_epochs}: loss {loss_sum / total:.4f} "
            f"train acc {correct / total:.4f} ({watch.wall():.0f} s)"
        )
        if args.cls_eval_every and (epoch + 1) % args.cls_eval_every == 0 and epoch + 1 < args.cls_epochs:
            top1 = (predict(model, x_val).argmax(1) == y_val).float().mean().item()
            log(f"classifier epoch {epoch + 1}: held-out top-1 {top1:.4f}")
    watch.stop()

    logits = predict(model, x_val)
    top1 = (logits.argmax(1) == y_val).float().mean().item()
    top5 = (logits.topk(5, 1).indices == y_val[:, None]).any(1).float().mean().item()
    log(f"classifier held-out: top-1 {top1:.4f}, top-5 {top5:.4f} on {len(val_set)} images")
    confusion = np.zeros((6, 6), dtype=np.int64)
    for t, p in zip(y_val.tolist(), logits.argmax(1).tolist()):
        confusion[t, p] += 1
    log(f"classifier confusion (rows = truth):\n{confusion}")

    record = common.provenance(
        train_set,
        val_set,
        args.train_seed,
        args.cls_epochs,
        watch,
        {
            "batch": args.cls_batch,
            "optimizer": f"AdamW lr {args.cls_lr} one-cycle, weight decay 1e-4, label smoothing 0.05",
            "augmentation": "random horizontal / vertical flips",
            "auxiliary_loss": (
                f"{AUX_WEIGHT} x cross-entropy of 1x1 convs on features[i] (i: stride = {AUX_LAYERS}) against "
                "the synth mask sampled at the cell centres (training only, not exported)"
            ),
            "train_images_used": n_train,
            "architecture": f"torchvision mobilenet_v2(width_mult={WIDTH_MULT}, num_classes=6)",
            "parameters": params,
            "input": f"{SIZE}x{SIZE}",
            "heldout_metric": {"top1": round(top1, 5), "top5": round(top5, 5)},
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
    common.write_labels_file()
    write_spec(onnx_path, record)
    write_golden(model, val_set, record)


def write_spec(onnx_path, record):
    metric = record["heldout_metric"]
    header = common.spec_header(
        record, f"held-out top-1 {metric['top1']:.4f}, top-5 {metric['top5']:.4f} (PyTorch, {SIZE}x{SIZE} stretch)"
    )
    body = f"""name: {NAME}
task: classification
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
labels:
  file: {common.LABELS_FILE}
"""
    path = os.path.join(common.MODELS_DIR, NAME + ".yaml")
    common.write_text(path, header + body)
    common.check_yaml(path)


def golden_indices(val_set, count=5):
    """The first held-out image of each class, in index order, until `count` images (varied classes and sizes)."""
    chosen, seen = [], set()
    for i, label in enumerate(val_set.labels.tolist()):
        if label not in seen:
            seen.add(label)
            chosen.append(i)
        if len(chosen) == count:
            break
    return chosen


def write_golden(model, val_set, record):
    images = []
    for i in golden_indices(val_set):
        info, x = common.input_debug(val_set.image_path(i), SIZE, SIZE)
        with torch.no_grad():
            logits = model(x)[0]
        probs = torch.softmax(logits, 0)
        top = probs.topk(5)
        images.append(
            {
                **val_set.describe(i),
                **info,
                "class_index": int(val_set.labels[i]),
                "logits": [float(v) for v in logits],
                "top5": [
                    {"class_index": int(c), "label": common.CLASS_NAMES[int(c)], "probability": float(p)}
                    for p, c in zip(top.values, top.indices)
                ],
            }
        )
    golden = {
        "model": NAME,
        "about": (
            "PyTorch outputs of the exported weights for fixed held-out synth images. Regenerate an image with "
            "`scripts/pipeline synth --seed <synth_seed> --images <n > image_index>` and read <file>. Preprocessing "
            "is the spec's: PIL decode, convert('RGB'), resize((width, height), BILINEAR), /255, ImageNet mean/std, "
            "NCHW. width/height = original image size; decoded_rgb_sha256 / resized_rgb_sha256 = sha256 of the RGB "
            "bytes (HWC, row-major) after decoding / after resizing; input_sum / input_first8 = sum and first 8 "
            "values (channel R, row 0) of the float32 input tensor; logits = raw output; top5 = softmax "
            "probabilities, descending."
        ),
        "tolerance_hint": {"probability_abs": 1e-4, "logit_abs": 1e-3},
        "input_size": [SIZE, SIZE],
        "training": record,
        "images": images,
    }
    common.write_json(os.path.join(common.MODELS_DIR, NAME + ".golden.json"), golden)
