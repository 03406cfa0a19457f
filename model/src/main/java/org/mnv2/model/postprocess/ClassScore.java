package org.mnv2.model.postprocess;

import java.io.Serializable;

/** One entry of a top-k list: class index, its label and its probability. */
public record ClassScore(int classIndex, String label, float score) implements Serializable {}
