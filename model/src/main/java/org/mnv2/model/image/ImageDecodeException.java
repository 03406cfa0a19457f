package org.mnv2.model.image;

import org.mnv2.model.PipelineException;

/** An input that is not a decodable image; becomes an {@code error} row, never a failed job. */
public class ImageDecodeException extends PipelineException {
  public ImageDecodeException(String message) {
    super(message);
  }

  public ImageDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
