"""synth-ssdlite: SSDLite on a MobileNetV2 backbone (MobileNetV2 paper, section 6.2), built from torchvision pieces.

Heads: the 1x1 expansion output of the block that starts the stride-32 stage (still stride 16; the paper's
"layer 15 expansion"), the last 1280-channel layer (stride 32), then four extra layers (stride 64..512), each with
SSDLite's depthwise-separable prediction blocks. Anchors: torchvision DefaultBoxGenerator; box coder (10, 10, 5, 5).

Two exports of the same weights:
- synth-ssdlite.onnx: the raw head (boxes [N, A, 4] regression, scores [N, A, 7] logits), float NCHW input,
  decoding and NMS on the Java side (output.type ssd-raw);
- synth-ssdlite-tfod.onnx: torchvision's own postprocessing in the graph, TensorFlow Object Detection API layout
  (uint8 NHWC image_tensor, detection_boxes / classes / scores / num_detections; output.type tf-od).
"""

import math
import os
import time
from collections import OrderedDict
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import mobilenet_v2
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.ssd import SSD
from torchvision.models.detection.ssdlite import SSDLiteHead, _extra_block, _normal_init
from torchvision.models.detection.transform import resize_boxes
from torchvision.ops import boxes as box_ops

from . import classifier, coco_eval, common
from .common import log

NAME = "synth-ssdlite"
TFOD_NAME = "synth-ssdlite-tfod"
SIZE = 320
WIDTH_MULT = 0.5
BATCH = 32
# The first MobileNetV2 blocks (stem to stride 4) keep the classifier's weights and BatchNorm statistics: 40% less
# CPU per step, and low-level colour and edge filters are what the classifier already learned on the same data.
FROZEN_BLOCKS = 4
NUM_CLASSES = len(common.CLASS_NAMES) + 1  # + background at index 0

# Anchors (DefaultBoxGenerator): two anchors of aspect ratio 1 (s_k and sqrt(s_k s_k+1)) plus 2 per aspect ratio.
# Scales follow the synth objects' sizes (about 0.02 to 0.8 of the network input side), smaller than COCO's
# 0.2..0.95 so that the stride-16 head covers the small objects.
ASPECT_RATIOS = [[2, 3]] * 6
SCALES = [0.05, 0.12, 0.24, 0.40, 0.58, 0.78, 1.0]
BOX_WEIGHTS = (10.0, 10.0, 5.0, 5.0)
BBOX_XFORM_CLIP = math.log(1000.0 / 16)  # torchvision BoxCoder default

# Postprocessing (the same for both exports, so ssd-raw decoded in Java and tf-od agree).
SCORE_THRESHOLD = 0.01
NMS_IOU = 0.55
TOPK_CANDIDATES = 300
MAX_DETECTIONS = 100


class MobileNetV2SSDLiteFeatures(nn.Module):
    """torchvision's SSDLiteFeatureExtractorMobileNet, for MobileNetV2 blocks (`.conv` instead of `.block`)."""

    def __init__(self, width_mult, norm_layer, features_state=None, min_depth=16):
        super().__init__()
        backbone = mobilenet_v2(width_mult=width_mult, norm_layer=norm_layer).features
        if features_state is None:
            _normal_init(backbone)
        else:
            backbone.load_state_dict(features_state)
        c4 = 14  # first block of the stride-32 stage (t=6, c=160, s=2); no residual connection
        if backbone[c4].use_res_connect or backbone[c4].conv[1][0].stride != (2, 2):
            raise AssertionError("unexpected MobileNetV2 layout")
        self.features = nn.Sequential(
            nn.Sequential(*backbone[:c4], backbone[c4].conv[0]),  # ... up to the expansion 1x1 conv (stride 16)
            nn.Sequential(*backbone[c4].conv[1:], *backbone[c4 + 1 :]),  # depthwise onwards, to the 1280 conv
        )
        depth = lambda d: max(min_depth, int(d * width_mult))  # noqa: E731
        self.extra = nn.ModuleList(
            [
                _extra_block(backbone[-1].out_channels, depth(512), norm_layer),
                _extra_block(depth(512), depth(256), norm_layer),
                _extra_block(depth(256), depth(256), norm_layer),
                _extra_block(depth(256), depth(128), norm_layer),
            ]
        )
        _normal_init(self.extra)

    def forward(self, x):
        output = []
        for block in self.features:
            x = block(x)
            output.append(x)
        for block in self.extra:
            x = block(x)
            output.append(x)
        return OrderedDict([(str(i), v) for i, v in enumerate(output)])


def build_model(features_state=None):
    """SSDLite; the MobileNetV2 part from `features_state` (torchvision features state dict) when given."""
    norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    backbone = MobileNetV2SSDLiteFeatures(WIDTH_MULT, norm_layer, features_state)
    anchor_generator = DefaultBoxGenerator(ASPECT_RATIOS, scales=SCALES, clip=True)
    with torch.no_grad():
        outs = backbone.eval()(torch.zeros(1, 3, SIZE, SIZE))
    channels = [o.shape[1] for o in outs.values()]
    head = SSDLiteHead(channels, anchor_generator.num_anchors_per_location(), NUM_CLASSES, norm_layer)
    model = SSD(
        backbone,
        anchor_generator,
        (SIZE, SIZE),
        NUM_CLASSES,
        image_mean=list(common.MEAN),
        image_std=list(common.STD),
        head=head,
        score_thresh=SCORE_THRESHOLD,
        nms_thresh=NMS_IOU,
        detections_per_img=MAX_DETECTIONS,
        topk_candidates=TOPK_CANDIDATES,
    )
    model.feature_map_sizes = [list(o.shape[-2:]) for o in outs.values()]
    return model


def anchors_for(model):
    """torchvision's anchors (xyxy, network pixels) at the network size: [A, 4] (the same for every image)."""
    features = [torch.zeros(1, 1, h, w) for h, w in model.feature_map_sizes]
    return model.anchor_generator(ImageList(torch.zeros(1, 3, SIZE, SIZE), [(SIZE, SIZE)]), features)[0]


def head_outputs(model, x):
    """Backbone + head on the spec-preprocessed tensor (no GeneralizedRCNNTransform: PIL did the only resize)."""
    return model.head(list(model.backbone(x).values()))


def loss(model, x, targets, anchors):
    """SSD.forward's training branch without its transform: match anchors, then SSD.compute_loss."""
    outputs = head_outputs(model, x)
    matched_idxs = []
    for t in targets:
        if t["boxes"].numel() == 0:
            matched_idxs.append(torch.full((anchors.size(0),), -1, dtype=torch.int64))
        else:
            matched_idxs.append(model.proposal_matcher(box_ops.box_iou(t["boxes"], anchors)))
    losses = model.compute_loss(targets, outputs, [anchors] * len(targets), matched_idxs)
    return losses["bbox_regression"], losses["classification"]


def detect(model, x, original_sizes, anchors):
    """torchvision's SSD.postprocess_detections, boxes scaled back to the original image pixels (xyxy)."""
    outputs = head_outputs(model, x)
    sizes = [(SIZE, SIZE)] * x.shape[0]
    dets = model.postprocess_detections(outputs, [anchors] * x.shape[0], sizes)
    for d, original in zip(dets, original_sizes):
        d["boxes"] = resize_boxes(d["boxes"], sizes[0], original)
    return dets


# ---------------------------------------------------------------------------------------------- data


def targets_for(synth, n):
    """Per image: boxes xyxy in network pixels (COCO xywh scaled by the stretch), labels 1..6."""
    coco = synth.coco
    cat_to_label = {cid: i + 1 for i, cid in enumerate(common.COCO_IDS)}
    by_image = {}
    for a in coco["annotations"]:
        by_image.setdefault(a["image_id"], []).append(a)
    sizes = {im["id"]: (im["width"], im["height"]) for im in coco["images"]}
    targets = []
    for i in range(n):
        image_id = i + 1
        w, h = sizes[image_id]
        boxes, labels = [], []
        for a in by_image.get(image_id, []):
            x, y, bw, bh = a["bbox"]
            sx, sy = SIZE / w, SIZE / h
            boxes.append([x * sx, y * sy, (x + bw) * sx, (y + bh) * sy])
            labels.append(cat_to_label[a["category_id"]])
        targets.append(
            {
                "boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
                "labels": torch.tensor(labels, dtype=torch.int64),
            }
        )
    return targets


def augment(images, targets, gen):
    """Random horizontal / vertical flips of uint8 NHWC images and their boxes (geometry only)."""
    images = images.clone()
    out = []
    for k, t in enumerate(targets):
        boxes = t["boxes"].clone()
        if torch.rand(1, generator=gen).item() < 0.5:
            images[k] = images[k].flip(1)
            boxes[:, [0, 2]] = SIZE - boxes[:, [2, 0]]
        if torch.rand(1, generator=gen).item() < 0.5:
            images[k] = images[k].flip(0)
            boxes[:, [1, 3]] = SIZE - boxes[:, [3, 1]]
        out.append({"boxes": boxes, "labels": t["labels"]})
    return images, out


# ---------------------------------------------------------------------------------------------- train


def evaluate(model, images, synth, anchors, batch=64):
    """COCO AP of the held-out set, detections in original pixels as the Java pipeline reports them."""
    model.eval()
    sizes = {im["id"]: (im["height"], im["width"]) for im in synth.coco["images"]}
    results = []
    with torch.no_grad():
        for s in range(0, len(images), batch):
            x = common.normalize(images[s : s + batch]).contiguous(memory_format=torch.channels_last)
            ids = list(range(s + 1, s + 1 + x.shape[0]))
            for image_id, d in zip(ids, detect(model, x, [sizes[i] for i in ids], anchors)):
                for box, score, label in zip(d["boxes"].tolist(), d["scores"].tolist(), d["labels"].tolist()):
                    results.append(
                        {
                            "image_id": image_id,
                            "category_id": common.COCO_IDS[label - 1],
                            "bbox": [box[0], box[1], box[2] - box[0], box[3] - box[1]],
                            "score": score,
                        }
                    )
    gt = dict(synth.coco)
    gt["images"] = [im for im in gt["images"] if im["id"] <= len(images)]  # a subset: its first images
    gt["annotations"] = [a for a in gt["annotations"] if a["image_id"] <= len(images)]
    return coco_eval.evaluate(gt, results)


def run(args, train_set, val_set):
    model, record = common.train_or_load(args, NAME, build_model, lambda: train(args, train_set, val_set))
    export(model, anchors_for(model), val_set, record)


def train(args, train_set, val_set):
    common.setup_torch(args.train_seed)
    n_train = min(args.det_images, len(train_set))
    t0 = time.time()
    x_train = torch.from_numpy(common.load_many([train_set.image_path(i) for i in range(n_train)], SIZE, SIZE))
    y_train = targets_for(train_set, n_train)
    x_val = torch.from_numpy(common.load_many([val_set.image_path(i) for i in range(len(val_set))], SIZE, SIZE))
    log(f"detector: loaded {n_train} training and {len(val_set)} held-out images in {time.time() - t0:.0f} s")

    init_state, init_about = classifier.backbone_init(args, train_set, val_set)
    common.setup_torch(args.train_seed)
    model = build_model(init_state).to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    frozen = model.backbone.features[0][:FROZEN_BLOCKS]
    for p in frozen.parameters():
        p.requires_grad_(False)
    anchors = anchors_for(model)
    log(f"detector: {params} parameters, {anchors.shape[0]} anchors, feature maps {model.feature_map_sizes}")
    steps_per_epoch = math.ceil(n_train / BATCH)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.det_lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.det_lr, total_steps=args.det_epochs * steps_per_epoch, pct_start=0.15
    )
    gen = torch.Generator().manual_seed(args.train_seed)
    snapshot = common.EpochState(
        args,
        NAME,
        {
            "epochs": args.det_epochs,
            "lr": args.det_lr,
            "images": n_train,
            "train_seed": args.train_seed,
            "data_seed": train_set.seed,
            "size": SIZE,
            "scales": SCALES,
            "backbone_init": init_about,
        },
    )
    first_epoch, watch = snapshot.resume(model, optimizer, scheduler, gen)
    for epoch in range(first_epoch, args.det_epochs):
        model.train()
        frozen.eval()
        order = torch.randperm(n_train, generator=gen)
        sums, count = np.zeros(2), 0
        for s in range(0, n_train, BATCH):
            idx = order[s : s + BATCH].tolist()
            images, targets = augment(x_train[idx], [y_train[i] for i in idx], gen)
            x = common.normalize(images).contiguous(memory_format=torch.channels_last)
            box_loss, cls_loss = loss(model, x, targets, anchors)
            optimizer.zero_grad(set_to_none=True)
            (box_loss + cls_loss).backward()
            optimizer.step()
            scheduler.step()
            sums += [box_loss.item(), cls_loss.item()]
            count += 1
            if count % 50 == 0:
                log(f"detector epoch {epoch + 1} step {count}/{steps_per_epoch} ({watch.wall():.0f} s)")
        log(
            f"detector epoch {epoch + 1}/{args.det_epochs}: box loss {sums[0] / count:.4f} "
            f"cls loss {sums[1] / count:.4f} ({watch.wall():.0f} s)"
        )
        if args.det_eval_every and (epoch + 1) % args.det_eval_every == 0 and epoch + 1 < args.det_epochs:
            stats = evaluate(model, x_val[: args.det_eval_images], val_set, anchors)
            log(f"detector epoch {epoch + 1}: AP {stats['AP']:.4f} AP50 {stats['AP50']:.4f} (subset)")
        snapshot.save(epoch + 1, model, optimizer, scheduler, gen, watch)
    watch.stop()
    snapshot.clear()

    stats = evaluate(model, x_val, val_set, anchors)
    log("detector held-out: " + ", ".join(f"{k} {v:.4f}" for k, v in stats.items()))
    record = common.provenance(
        train_set,
        val_set,
        args.train_seed,
        args.det_epochs,
        watch,
        {
            "train_images_used": n_train,
            "architecture": (
                f"SSDLite, torchvision mobilenet_v2(width_mult={WIDTH_MULT}) features: heads on features[14] "
                "expansion (stride 16) and the 1280-channel conv (stride 32) + 4 extra blocks; SSDLiteHead"
            ),
            "parameters": params,
            "input": f"{SIZE}x{SIZE}",
            "backbone_init": init_about,
            "frozen": f"backbone features[:{FROZEN_BLOCKS}] (weights and BatchNorm statistics)",
            "batch": BATCH,
            "optimizer": f"AdamW lr {args.det_lr} one-cycle, weight decay 1e-4",
            "augmentation": "random horizontal / vertical flips",
            "heldout_metric": {k: round(v, 5) for k, v in stats.items()},
        },
    )
    return model, record


# ---------------------------------------------------------------------------------------------- export


class RawHead(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.backbone = model.backbone
        self.head = model.head

    def forward(self, x):
        out = self.head(list(self.backbone(x).values()))
        return out["bbox_regression"], out["cls_logits"]


class TfodGraph(nn.Module):
    """uint8 NHWC [1, H, W, 3] -> normalise -> backbone/head -> torchvision postprocess -> TF OD API outputs."""

    def __init__(self, model, anchors):
        super().__init__()
        self.model = model
        self.register_buffer("anchors", anchors.clone())
        self.register_buffer("mean", torch.tensor(common.MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(common.STD).view(1, 3, 1, 1))
        self.register_buffer("norm", torch.tensor([SIZE, SIZE, SIZE, SIZE], dtype=torch.float32))

    def forward(self, image):
        x = (image.permute(0, 3, 1, 2).float() * common.SCALE - self.mean) / self.std
        outputs = head_outputs(self.model, x)
        d = self.model.postprocess_detections(outputs, [self.anchors], [(SIZE, SIZE)])[0]
        boxes = (d["boxes"] / self.norm)[:, [1, 0, 3, 2]]  # xyxy pixels -> normalised ymin, xmin, ymax, xmax
        count = torch.ones_like(d["scores"]).sum().reshape(1)
        pad = MAX_DETECTIONS
        boxes = torch.cat([boxes, boxes.new_zeros(pad, 4)])[:pad]
        classes = torch.cat([d["labels"].float(), boxes.new_zeros(pad)])[:pad]
        scores = torch.cat([d["scores"], boxes.new_zeros(pad)])[:pad]
        return boxes.unsqueeze(0), classes.unsqueeze(0), scores.unsqueeze(0), count


def export(model, anchors, val_set, record):
    raw_path = os.path.join(common.MODELS_DIR, NAME + ".onnx")
    common.export_onnx(
        RawHead(model),
        torch.zeros(1, 3, SIZE, SIZE),
        raw_path,
        ["input"],
        ["boxes", "scores"],
        {"input": {0: "batch"}, "boxes": {0: "batch"}, "scores": {0: "batch"}},
    )
    tfod_path = os.path.join(common.MODELS_DIR, TFOD_NAME + ".onnx")
    example = torch.from_numpy(common.load_rgb_resized(val_set.image_path(0), SIZE, SIZE)).unsqueeze(0)
    common.export_onnx(
        TfodGraph(model, anchors),
        example,
        tfod_path,
        ["image_tensor"],
        ["detection_boxes", "detection_classes", "detection_scores", "num_detections"],
        None,
    )
    common.write_labels_file()
    write_specs(model, raw_path, tfod_path, record, anchors)
    write_golden(model, anchors, val_set, record)


def write_specs(model, raw_path, tfod_path, record, anchors):
    m = record["heldout_metric"]
    metric = f"held-out COCO AP {m['AP']:.4f}, AP50 {m['AP50']:.4f}, AP75 {m['AP75']:.4f} (PyTorch)"
    header = common.spec_header(record, metric)
    input_block = f"""  layout: NCHW
  dtype: float32
  width: {SIZE}
  height: {SIZE}
  resize: stretch
  channels: RGB
  scale: {common.SCALE!r}
  mean: {common.yaml_list(common.MEAN)}
  std: {common.yaml_list(common.STD)}
"""
    labels = f"""labels:
  file: {common.LABELS_FILE}
  category_ids: {common.yaml_list(common.COCO_IDS)}
"""
    raw = f"""name: {NAME}
task: detection
uri: {NAME}.onnx
sha256: {common.sha256_file(raw_path)}
input:
  name: input
{input_block}output:
  type: ssd-raw
  boxes: boxes
  scores: scores
  feature_maps: {common.yaml_list(common.yaml_list(s) for s in model.feature_map_sizes)}
  aspect_ratios: {common.yaml_list(common.yaml_list(a) for a in ASPECT_RATIOS)}
  scales: {common.yaml_list(SCALES)}
  clip: true
  weights: {common.yaml_list(BOX_WEIGHTS)}
  bbox_xform_clip: {BBOX_XFORM_CLIP!r}
  score_threshold: {SCORE_THRESHOLD}
  topk_candidates: {TOPK_CANDIDATES}
  nms_iou: {NMS_IOU}
  max_detections: {MAX_DETECTIONS}
{labels}"""
    path = os.path.join(common.MODELS_DIR, NAME + ".yaml")
    common.write_text(path, header + f"# {anchors.shape[0]} anchors\n" + raw)
    common.check_yaml(path)
    tfod = f"""name: {TFOD_NAME}
task: detection
uri: {TFOD_NAME}.onnx
sha256: {common.sha256_file(tfod_path)}
input:
  name: image_tensor
  layout: NHWC
  dtype: uint8
  width: {SIZE}
  height: {SIZE}
  resize: stretch
  channels: RGB
output:
  type: tf-od
{labels}"""
    header_tfod = header + (
        f"# The weights of {NAME} with torchvision's postprocessing in the graph: softmax, score > "
        f"{SCORE_THRESHOLD},\n# top {TOPK_CANDIDATES} per class, per-class NMS at IoU {NMS_IOU}, "
        f"{MAX_DETECTIONS} kept; detection_classes = class index + 1.\n"
    )
    path = os.path.join(common.MODELS_DIR, TFOD_NAME + ".yaml")
    common.write_text(path, header_tfod + tfod)
    common.check_yaml(path)


def golden_indices(val_set, count=5):
    """Held-out images with several objects and at least one small one, first by index (a varied sample)."""
    coco = val_set.coco
    per_image = {}
    for a in coco["annotations"]:
        per_image.setdefault(a["image_id"], []).append(a)
    chosen = []
    for i in range(len(val_set)):
        anns = per_image.get(i + 1, [])
        if len(anns) >= 3 and any(a["area"] < 32 * 32 for a in anns):
            chosen.append(i)
        if len(chosen) == count:
            break
    return chosen


def write_golden(model, anchors, val_set, record):
    images = []
    for i in golden_indices(val_set):
        info, x = common.input_debug(val_set.image_path(i), SIZE, SIZE)
        with torch.no_grad():
            raw = head_outputs(model, x)
            d = detect(model, x, [(info["height"], info["width"])], anchors)[0]
        best = int(raw["cls_logits"][0].softmax(-1)[:, 1:].max(-1).values.argmax())
        dets = []
        for box, score, label in zip(d["boxes"].tolist(), d["scores"].tolist(), d["labels"].tolist()):
            dets.append(
                {
                    "label": label,
                    "class_index": label - 1,
                    "category_id": common.COCO_IDS[label - 1],
                    "name": common.CLASS_NAMES[label - 1],
                    "score": score,
                    "bbox_xyxy": box,
                    "bbox": [box[0], box[1], box[2] - box[0], box[3] - box[1]],
                }
            )
        images.append(
            {
                **val_set.describe(i),
                **info,
                "raw_samples": [
                    {
                        "anchor": a,
                        "anchor_xyxy": anchors[a].tolist(),
                        "boxes": raw["bbox_regression"][0, a].tolist(),
                        "scores": raw["cls_logits"][0, a].tolist(),
                    }
                    for a in (0, best)
                ],
                "detections": dets,
            }
        )
    level_sizes = [h * w * (2 + 2 * len(ar)) for (h, w), ar in zip(model.feature_map_sizes, ASPECT_RATIOS)]
    starts = np.cumsum([0] + level_sizes[:-1]).tolist()
    golden = {
        "model": NAME,
        "about": (
            "torchvision SSD.postprocess_detections of the exported weights for fixed held-out synth images, fed "
            "the spec-preprocessed tensor (PIL decode, RGB, resize((W, H), BILINEAR) stretch, /255, mean/std; no "
            "GeneralizedRCNNTransform). Boxes are decoded, clipped to the network input, then scaled to original "
            "pixels by float32(original / network size) per axis; bbox_xyxy = [x1, y1, x2, y2], bbox = COCO "
            "[x, y, w, h]; detections sorted by descending score; label = class_index + 1 (0 = background). "
            "raw_samples: raw outputs (boxes = regression, scores = logits) and the torchvision anchor (xyxy, "
            "network pixels) at anchor 0 and at the anchor with the highest foreground probability. "
            "anchor_levels: first anchor (xyxy, network pixels) and anchor count of every feature map, in output "
            "order. Image fields as in synth-mobilenetv2.golden.json."
        ),
        "tolerance_hint": {"score_abs": 1e-4, "box_abs_pixels": 0.01},
        "input_size": [SIZE, SIZE],
        "anchor_count": int(anchors.shape[0]),
        "anchor_sum": float(anchors.double().sum()),
        "anchor_levels": [
            {"feature_map": fm, "first": int(s), "count": int(n), "first_anchor_xyxy": anchors[int(s)].tolist()}
            for fm, s, n in zip(model.feature_map_sizes, starts, level_sizes)
        ],
        "training": record,
        "images": images,
    }
    common.write_json(os.path.join(common.MODELS_DIR, NAME + ".golden.json"), golden)
