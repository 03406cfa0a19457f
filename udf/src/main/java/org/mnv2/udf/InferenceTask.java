package org.mnv2.udf;

import java.io.Serializable;
import org.mnv2.model.postprocess.Postprocessor;

/**
 * A task's postprocessing and its output columns, paired so the runner stays task-agnostic.
 *
 * @param <R> the per-image result
 */
public record InferenceTask<R>(Postprocessor<R> postprocessor, TaskRows<R> rows)
    implements Serializable {}
