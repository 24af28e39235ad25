package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.JobStatus;

import java.util.List;

/** A scripted API for tests of polls: it lists no jobs and knows none by id; subclasses serve the logs. */
abstract class LogsOnlyApi implements ByteNiteApi {
    @Override
    public List<JobStatus> listJobs() {
        return List.of();
    }

    @Override
    public JobStatus getJob(String jobId) {
        throw new UnsupportedOperationException("a logs-only test API knows no job by id");
    }
}
