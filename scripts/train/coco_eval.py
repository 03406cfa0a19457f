"""COCO bbox AP as pycocotools' COCOeval computes it (Debian has no python3-pycocotools), for non-crowd data.

The same steps as COCOeval.evaluate / accumulate / summarize: detections sorted by descending score (stable),
at most 100 per image and category, greedy matching per IoU threshold preferring non-ignored ground truth, area
ranges inclusive at both ends, 101 recall points, interpolated precision; stats averaged over entries > -1.
"""

import numpy as np

IOU_THRS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
REC_THRS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
AREA_RNG = {"all": (0, 1e5**2), "small": (0, 32**2), "medium": (32**2, 96**2), "large": (96**2, 1e5**2)}
MAX_DETS = (1, 10, 100)


def _iou_xywh(dt, gt):
    """[D, G] IoU of xywh boxes (no crowd)."""
    if len(dt) == 0 or len(gt) == 0:
        return np.zeros((len(dt), len(gt)))
    d = np.asarray(dt, dtype=np.float64)
    g = np.asarray(gt, dtype=np.float64)
    dx2, dy2 = d[:, 0] + d[:, 2], d[:, 1] + d[:, 3]
    gx2, gy2 = g[:, 0] + g[:, 2], g[:, 1] + g[:, 3]
    iw = np.minimum(dx2[:, None], gx2[None]) - np.maximum(d[:, 0][:, None], g[:, 0][None])
    ih = np.minimum(dy2[:, None], gy2[None]) - np.maximum(d[:, 1][:, None], g[:, 1][None])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    union = (d[:, 2] * d[:, 3])[:, None] + (g[:, 2] * g[:, 3])[None] - inter
    return inter / union


def evaluate(coco_gt, detections):
    """coco_gt: instances dict; detections: [{image_id, category_id, bbox xywh, score}]. Returns the 12 stats."""
    if any(a.get("iscrowd", 0) for a in coco_gt["annotations"]):
        raise ValueError("crowd annotations are not supported by this evaluator")
    img_ids = sorted(im["id"] for im in coco_gt["images"])
    cat_ids = sorted(c["id"] for c in coco_gt["categories"])
    gts, dts = {}, {}
    for a in coco_gt["annotations"]:
        gts.setdefault((a["image_id"], a["category_id"]), []).append(a)
    for d in detections:
        dts.setdefault((d["image_id"], d["category_id"]), []).append(d)

    n_t, n_r, n_k, n_a, n_m = len(IOU_THRS), len(REC_THRS), len(cat_ids), len(AREA_RNG), len(MAX_DETS)
    precision = -np.ones((n_t, n_r, n_k, n_a, n_m))
    recall = -np.ones((n_t, n_k, n_a, n_m))
    for k, cat in enumerate(cat_ids):
        per_image = {}
        for img in img_ids:
            gt = gts.get((img, cat), [])
            dt = dts.get((img, cat), [])
            order = np.argsort([-d["score"] for d in dt], kind="mergesort")
            dt = [dt[i] for i in order][: MAX_DETS[-1]]
            per_image[img] = (gt, dt, _iou_xywh([d["bbox"] for d in dt], [g["bbox"] for g in gt]))
        for a, (lo, hi) in enumerate(AREA_RNG.values()):
            evals = [_evaluate_img(gt, dt, ious, lo, hi) for gt, dt, ious in per_image.values()]
            evals = [e for e in evals if e is not None]
            if not evals:
                continue
            for m, max_det in enumerate(MAX_DETS):
                _accumulate(evals, max_det, precision[:, :, k, a, m], recall[:, k, a, m])
    return _summarize(precision, recall)


def _evaluate_img(gt, dt, ious, lo, hi):
    if not gt and not dt:
        return None
    g_ignore = np.array([1 if (g["area"] < lo or g["area"] > hi) else 0 for g in gt], dtype=np.int64)
    g_order = np.argsort(g_ignore, kind="mergesort")
    g_ignore = g_ignore[g_order]
    ious = ious[:, g_order] if len(dt) and len(gt) else ious
    n_t = len(IOU_THRS)
    gtm = np.zeros((n_t, len(gt)))
    dtm = np.zeros((n_t, len(dt)))
    dt_ig = np.zeros((n_t, len(dt)))
    if len(gt) and len(dt):
        for t_ind, t in enumerate(IOU_THRS):
            for d_ind in range(len(dt)):
                iou = min(t, 1 - 1e-10)
                m = -1
                for g_ind in range(len(gt)):
                    if gtm[t_ind, g_ind] > 0:
                        continue
                    if m > -1 and g_ignore[m] == 0 and g_ignore[g_ind] == 1:
                        break
                    if ious[d_ind, g_ind] < iou:
                        continue
                    iou = ious[d_ind, g_ind]
                    m = g_ind
                if m == -1:
                    continue
                dt_ig[t_ind, d_ind] = g_ignore[m]
                dtm[t_ind, d_ind] = g_order[m] + 1  # any non-zero id
                gtm[t_ind, m] = d_ind + 1
    d_area = np.array([d["bbox"][2] * d["bbox"][3] for d in dt])
    outside = np.array([(x < lo or x > hi) for x in d_area], dtype=bool).reshape(1, len(dt))
    dt_ig = np.logical_or(dt_ig, np.logical_and(dtm == 0, np.repeat(outside, n_t, 0)))
    return {"scores": np.array([d["score"] for d in dt]), "dtm": dtm, "dt_ig": dt_ig, "g_ignore": g_ignore}


def _accumulate(evals, max_det, precision_out, recall_out):
    scores = np.concatenate([e["scores"][:max_det] for e in evals])
    inds = np.argsort(-scores, kind="mergesort")
    dtm = np.concatenate([e["dtm"][:, :max_det] for e in evals], axis=1)[:, inds]
    dt_ig = np.concatenate([e["dt_ig"][:, :max_det] for e in evals], axis=1)[:, inds]
    npig = np.count_nonzero(np.concatenate([e["g_ignore"] for e in evals]) == 0)
    if npig == 0:
        return
    tps = np.logical_and(dtm, np.logical_not(dt_ig))
    fps = np.logical_and(np.logical_not(dtm), np.logical_not(dt_ig))
    tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
    fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
    for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
        nd = len(tp)
        rc = tp / npig
        pr = tp / (fp + tp + np.spacing(1))
        q = np.zeros((len(REC_THRS),))
        recall_out[t] = rc[-1] if nd else 0
        pr = pr.tolist()
        for i in range(nd - 1, 0, -1):
            if pr[i] > pr[i - 1]:
                pr[i - 1] = pr[i]
        found = np.searchsorted(rc, REC_THRS, side="left")
        for ri, pi in enumerate(found):
            if pi < nd:
                q[ri] = pr[pi]
        precision_out[t] = q


def _summarize(precision, recall):
    area_index = {name: i for i, name in enumerate(AREA_RNG)}

    def mean(values):
        values = values[values > -1]
        return float(np.mean(values)) if values.size else -1.0

    def ap(iou=None, area="all", max_det=100):
        p = precision[:, :, :, area_index[area], MAX_DETS.index(max_det)]
        if iou is not None:
            p = p[np.where(np.isclose(IOU_THRS, iou))[0]]
        return mean(p)

    def ar(area="all", max_det=100):
        return mean(recall[:, :, area_index[area], MAX_DETS.index(max_det)])

    return {
        "AP": ap(),
        "AP50": ap(iou=0.5),
        "AP75": ap(iou=0.75),
        "APs": ap(area="small"),
        "APm": ap(area="medium"),
        "APl": ap(area="large"),
        "AR1": ar(max_det=1),
        "AR10": ar(max_det=10),
        "AR100": ar(),
        "ARs": ar(area="small"),
        "ARm": ar(area="medium"),
        "ARl": ar(area="large"),
    }
