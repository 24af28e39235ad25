package dev.nitelog.sink.kafka;

import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.SinkException;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.util.Optional;

/**
 * What a producer error means for a batch: retry it, report the sink down, or start a new
 * producer first. Messages name the sink and the fix, never a secret.
 *
 * @param error           the exception {@link KafkaSink#write} throws
 * @param downReason      why the sink cannot work until an operator acts (credentials, ACLs);
 *                        {@code check()} reports it until a write succeeds. Empty for a failure
 *                        that may pass
 * @param renewProducer   the producer is unusable after this error and must be replaced
 */
record KafkaFailure(SinkException error, Optional<String> downReason, boolean renewProducer) {

    /** How bad a failure is, to report the worst of a batch. */
    int severity() {
        return downReason.isPresent() ? 3 : renewProducer ? 2 : error instanceof RetriableSinkException ? 0 : 1;
    }

    static KafkaFailure of(String sink, Throwable e) {
        String what = "Kafka sink " + sink + ": ";
        if (e instanceof AuthenticationException) {
            String reason = what + "authentication failed (" + e.getMessage() + "): check the producer.sasl.* and"
                    + " producer.ssl.* settings and the credentials";
            return new KafkaFailure(new SinkException(reason, e), Optional.of(reason), true);
        }
        if (e instanceof TopicAuthorizationException t) {
            String reason = what + "not authorized to write to topic(s) " + t.unauthorizedTopics()
                    + ": grant the principal WRITE on them";
            return new KafkaFailure(new SinkException(reason, e), Optional.of(reason), false);
        }
        if (e instanceof ClusterAuthorizationException) {
            String reason = what + "not authorized on the cluster (" + e.getMessage() + "): grant IDEMPOTENT_WRITE"
                    + " or set producer.enable.idempotence=false";
            return new KafkaFailure(new SinkException(reason, e), Optional.of(reason), true);
        }
        if (e instanceof AuthorizationException) {
            String reason = what + "not authorized (" + e.getMessage() + "): check the principal's ACLs";
            return new KafkaFailure(new SinkException(reason, e), Optional.of(reason), false);
        }
        if (e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || e instanceof InvalidProducerEpochException) {
            return new KafkaFailure(new RetriableSinkException(what + e.getClass().getSimpleName() + " (" + e.getMessage()
                    + "); starting a new producer, the batch will be retried", e), Optional.empty(), true);
        }
        if (e instanceof BufferExhaustedException) {
            return retriable(what + "producer buffer full for max.block.ms (the broker is slow or away);"
                    + " the batch will be retried", e);
        }
        if (e instanceof RetriableException || e instanceof InterruptException) {
            return retriable(what + e.getClass().getSimpleName() + " (" + e.getMessage()
                    + "); the batch will be retried", e);
        }
        return new KafkaFailure(new SinkException(what + e.getClass().getSimpleName() + " (" + e.getMessage() + ")", e),
                Optional.empty(), false);
    }

    static KafkaFailure retriable(String message, Throwable cause) {
        return new KafkaFailure(new RetriableSinkException(message, cause), Optional.empty(), false);
    }

    /** A failure that may pass, with no exception behind it. */
    static KafkaFailure retriable(String message) {
        return new KafkaFailure(new RetriableSinkException(message), Optional.empty(), false);
    }
}
