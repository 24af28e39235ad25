package dev.nitelog.simulator;

import java.util.Random;

/** Decides, per request, which fault (if any) to inject, from the current {@link FaultRates}. */
final class FaultInjector {

    /** The exclusive fault of one request. */
    enum Fault { NONE, RESET, TOO_MANY_REQUESTS, UNAVAILABLE, MALFORMED }

    /** The decision for one request; {@code rates} are those in force when it was drawn. */
    record Decision(Fault fault, boolean slow, FaultRates rates) {
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
            return new Decision(Fault.NONE, false, r);
        }
        double x = random.nextDouble();
        boolean slow = r.slow() > 0 && random.nextDouble() < r.slow();
        Fault fault;
        if (x < r.reset()) {
            fault = Fault.RESET;
        } else if (x < r.reset() + r.tooManyRequests()) {
            fault = Fault.TOO_MANY_REQUESTS;
        } else if (x < r.reset() + r.tooManyRequests() + r.unavailable()) {
            fault = Fault.UNAVAILABLE;
        } else if (x < r.reset() + r.tooManyRequests() + r.unavailable() + r.malformed()) {
            fault = Fault.MALFORMED;
        } else {
            fault = Fault.NONE;
        }
        return new Decision(fault, slow, r);
    }
}
