package dev.nitelog.bytenite;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The client as the application gets it: a CDI bean built from config, observed by listener beans. */
@QuarkusTest
@TestProfile(ByteNiteClientCdiTest.Profile.class)
class ByteNiteClientCdiTest {

    @Inject
    ByteNiteApi api;

    @Inject
    ByteNiteClient client;

    @Inject
    OutcomeLog outcomes;

    @WireMockResource.InjectWireMock
    WireMockServer wireMock;

    @Test
    void injectsAWorkingClientBuiltFromConfigAndNotifiesListenerBeans() throws Exception {
        wireMock.stubFor(post("/v1/auth/access_token")
                .willReturn(okJson("{\"token\":\"cdi-token\",\"expiresIn\":\"3600\",\"scope\":\"\"}")));
        wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).withHeader("Authorization", equalTo("cdi-token"))
                .willReturn(okJson("{\"pagination\":{\"hasNext\":false},\"data\":[{\"id\":\"j1\",\"state\":\"JOB_STATE_RUNNING\"}]}")));

        List<JobStatus> jobs = api.listJobs();

        assertEquals(1, jobs.size());
        assertEquals(JobPhase.ACTIVE, jobs.get(0).phase());
        wireMock.verify(getRequestedFor(urlPathEqualTo("/v1/customer/jobs"))
                .withQueryParam("pagination.limit", equalTo("100")).withQueryParam("pagination.offset", equalTo("0")));
        assertEquals(1, client.tokenRenewals());
        assertFalse(client.circuitOpen());
        assertEquals(List.of("token:ok", "jobs:ok"), outcomes.seen);
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "bytenite-cdi";
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(WireMockResource.class));
        }

        /** The client alone: no daemon polling in the background and adding calls of its own. */
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("quarkus.arc.exclude-types", "dev.nitelog.pipeline.**,dev.nitelog.app.**,dev.nitelog.health.**");
        }
    }

    /** A listener bean, present only in this test's profile. */
    @Singleton
    @IfBuildProfile("bytenite-cdi")
    static class OutcomeLog implements ByteNiteListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onAttempt(ApiEndpoint endpoint, CallOutcome outcome) {
            seen.add(endpoint.tag() + ":" + outcome.tag());
        }
    }
}
