package dev.nitelog.bytenite;

import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;

import java.time.Instant;
import java.util.List;

/**
 * What nitelog needs of ByteNite: the jobs to follow and their logs. Implemented by
 * {@link ByteNiteClient} over HTTP; access tokens, retries and circuit breaking are its business.
 */
public interface ByteNiteApi {

    /** Every job of the account, paging through {@code GET /jobs} until {@code hasNext} is false. */
    List<JobStatus> listJobs() throws ByteNiteException;

    /**
     * The account's jobs, newest first where the API sorts them so, paging only until
     * {@code stop} has seen enough; the whole history where it does not sort them (the default).
     */
    default List<JobStatus> listJobs(ListingStop stop) throws ByteNiteException {
        return listJobs();
    }

    /**
     * The first page of jobs, newest first, for noticing new jobs between whole listings; empty
     * where the API is not asked to sort (no {@code orderBy}) or turned out not to.
     */
    default List<JobStatus> listNewestJobs() throws ByteNiteException {
        return List.of();
    }

    /** Decides, after each page of a listing newest first, whether the older jobs are needed too. */
    @FunctionalInterface
    interface ListingStop {
        /** @param listed every job listed so far, newest first */
        boolean enough(List<JobStatus> listed);
    }

    /**
     * One job, {@code GET /jobs/{id}}.
     *
     * @throws JobNotFoundException the job does not exist (404)
     */
    JobStatus getJob(String jobId) throws ByteNiteException;

    /**
     * The job's whole log as {@code POST /logs} serves it, filtered by the configured levels,
     * services and task ids, parsed as a stream: a line {@code filter} says every sink has is dropped
     * without building a record (counted as skipped); every other line is a record in
     * {@link LogFetch#records()}, sorted by timestamp.
     *
     * @throws JobNotFoundException       the job does not exist (404): stop following it
     * @throws MalformedResponseException the body is not a logs response at all
     */
    LogFetch fetchLogs(JobRef job, LineFilter filter) throws ByteNiteException;

    /**
     * As {@link #fetchLogs(JobRef, LineFilter)}, handing every new record to {@code chunks} while
     * the body is read instead of returning them: {@link LogFetch#records()} is then empty and
     * {@link LogFetch#chunked()} counts what was handed over. The default parses as above and hands
     * the records over in one chunk.
     */
    default LogFetch fetchLogs(JobRef job, LineFilter filter, RecordChunks chunks) throws ByteNiteException {
        LogFetch whole = fetchLogs(job, filter);
        if (chunks == RecordChunks.KEEP) {
            return whole;
        }
        boolean taken = whole.records().isEmpty() || chunks.accept(whole.records());
        int handed = taken ? whole.records().size() : 0;
        return new LogFetch(List.of(), whole.skipped(), whole.malformedEntries(), whole.responseBytes(),
                whole.truncated(), whole.deferred() + whole.records().size() - handed, whole.unconfirmed(), handed,
                whole.cutLines(), whole.layout(), whole.deferredOutOfOrder()); // all handed on, or none
    }

    /**
     * As {@link #fetchLogs(JobRef, LineFilter, RecordChunks)} for one part of the log (some
     * services, some tasks), so that a job whose whole log is cut at the response limit can be
     * fetched in parts that fit. Called only after a response told the arrays it holds
     * ({@link LogLayout#listed()}); the default fetches only the whole log.
     */
    default LogFetch fetchLogs(JobRef job, LogPart part, LineFilter filter, RecordChunks chunks)
            throws ByteNiteException {
        if (!part.whole()) {
            throw new UnsupportedOperationException("this API fetches a job's whole log only, not " + part);
        }
        return fetchLogs(job, filter, chunks);
    }
}
