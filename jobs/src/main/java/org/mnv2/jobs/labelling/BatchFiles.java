package org.mnv2.jobs.labelling;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.execution.streaming.FileStreamSource;
import org.apache.spark.sql.execution.streaming.FileStreamSourceLog;
import org.apache.spark.sql.execution.streaming.OffsetSeq;
import org.apache.spark.sql.execution.streaming.OffsetSeqLog;
import org.mnv2.model.PipelineException;
import scala.Option;
import scala.Tuple2;

/**
 * The files of one streaming batch, read from the query's own logs with Spark's own classes: the
 * offset log gives the batch's range of the file source's log, whose entries are the files. The
 * batch's rows are not enough: a scan skips zero-byte files, and every file must get its row (an
 * empty file is an error row, as in the batch jobs).
 */
final class BatchFiles {
  private static final Pattern LOG_OFFSET = Pattern.compile("\"logOffset\"\\s*:\\s*(-?\\d+)");

  private BatchFiles() {}

  static List<String> of(SparkSession spark, Path checkpoint, long batchId) {
    OffsetSeqLog offsets = new OffsetSeqLog(spark, new Path(checkpoint, "offsets").toString());
    long end = logOffset(offsets, batchId);
    long start = batchId == 0 ? -1 : logOffset(offsets, batchId - 1);
    FileStreamSourceLog log =
        new FileStreamSourceLog(
            FileStreamSourceLog.VERSION(), spark, new Path(checkpoint, "sources/0").toString());
    List<String> files = new ArrayList<>();
    for (Tuple2<Object, FileStreamSource.FileEntry[]> batch :
        log.get(Option.apply((Object) (start + 1)), Option.apply((Object) end))) {
      for (FileStreamSource.FileEntry entry : batch._2()) {
        files.add(entry.sparkPath().urlEncoded());
      }
    }
    return files;
  }

  private static long logOffset(OffsetSeqLog offsets, long batchId) {
    Option<OffsetSeq> seq = offsets.get(batchId);
    if (seq.isEmpty() || seq.get().offsets().isEmpty() || seq.get().offsets().head().isEmpty()) {
      return -1;
    }
    Offset offset = seq.get().offsets().head().get();
    Matcher m = LOG_OFFSET.matcher(offset.json());
    if (!m.find()) {
      throw new PipelineException(
          "Cannot read the files of batch " + batchId + ": offset " + offset.json());
    }
    return Long.parseLong(m.group(1));
  }
}
