package dev.nitelog.bytenite;

/** ByteNite answered 404 for a job: it does not exist (any more), so nitelog stops following it. */
public class JobNotFoundException extends ByteNiteException {
    public JobNotFoundException(String jobId, int grpcCode, String serverMessage) {
        super("ByteNite has no job " + jobId + " (404: " + serverMessage + ")", 404, grpcCode);
    }
}
