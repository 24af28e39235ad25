package dev.nitelog.simulator;

/** The routes the simulator serves, for request counting in {@link SimulatorStats}. */
public enum Route {
    /** {@code POST /v1/auth/access_token}. */
    ACCESS_TOKEN,
    /** {@code GET /v1/customer/jobs}. */
    LIST_JOBS,
    /** {@code POST /v1/customer/jobs/filter}. */
    FILTER_JOBS,
    /** {@code GET /v1/customer/jobs/{id}}. */
    GET_JOB,
    /** {@code POST /v1/customer/logs}. */
    LOGS,
    /** Anything else (answered 404 or 405). */
    OTHER
}
