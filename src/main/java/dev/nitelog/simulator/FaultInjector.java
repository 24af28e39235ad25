package dev.nitelog.simulator;

import java.util.Optional;
import java.util.Random;

/** Decides, per request, which fault (if any) to inject, from the current {@link FaultRates}. */
final class FaultInjector {

    /**
     * The decision for one request; {@code rates} are those in force when it was drawn.
     *
     * @param fault the exclusive fault (never {@link Fault#SLOW}); empty for a normal answer
     * @param slow  whether the answer is delayed by {@code slowDelay} as well
     */
    record Decision(Optional<Fault> fault, boolean slow, FaultRates rates) {
        static Decision none(FaultRates rates) {
            return new Decision(Optional.empty(), false, rates);
        }

        boolean is(Fault f) {
            return fault.filter(f::equals).isPresent();
        }
    }

    private final Random random;
    private volatile FaultRates rates;

    FaultInjector(FaultRates rates, long seed) {
        this.rates = rates;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    FaultRates rates() {
        return rates;
    }

    void setRates(FaultRates rates) {
        this.rates = rates;
    }

    Decision draw(Route route) {
        FaultRates r = rates;
        if (!r.appliesTo(route)) {
            return Decision.none(r);
        }
        double x = random.nextDouble();
        boolean slow = r.slow() > 0 && random.nextDouble() < r.slow();
        Optional<Fault> fault = exclusive(r, x);
        if (fault.equals(Optional.of(Fault.EXPIRED_TOKEN)) && route == Route.ACCESS_TOKEN) {
            fault = Optional.empty(); // no token is presented there; its answer would read "invalid API key"
        }
        return new Decision(fault, slow, r);
    }

    private static Optional<Fault> exclusive(FaultRates r, double x) {
        double[] bounds = {r.reset(), r.tooManyRequests(), r.unavailable(), r.malformed(), r.expiredToken(), r.stall()};
        Fault[] kinds = {Fault.RESET, Fault.TOO_MANY_REQUESTS, Fault.UNAVAILABLE, Fault.MALFORMED,
            Fault.EXPIRED_TOKEN, Fault.STALL};
        double upTo = 0;
        for (int i = 0; i < kinds.length; i++) {
            upTo += bounds[i];
            if (x < upTo) {
                return Optional.of(kinds[i]);
            }
        }
        return Optional.empty();
    }
}
